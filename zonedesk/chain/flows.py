"""The chain app's status flows (core.workflow.FLOWS finds them here): the investment lead's."""

from zonedesk.chain.leads_flows import LEAD

__all__ = ["LEAD"]
