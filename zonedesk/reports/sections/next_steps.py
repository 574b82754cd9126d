"""四、下步打算: the open items every section of the summary reports (overdue problems, benefits
owed, firms past their contact plan; later red project nodes, unmet financing needs, chain
gaps), one numbered paragraph each (一是…二是…)."""

from django.utils.translation import pgettext

from zonedesk.reports.document import Block, Paragraph, Source


def _lead(i: int) -> str:
    leads = [
        pgettext("next steps ordinal", "1."),
        pgettext("next steps ordinal", "2."),
        pgettext("next steps ordinal", "3."),
        pgettext("next steps ordinal", "4."),
        pgettext("next steps ordinal", "5."),
        pgettext("next steps ordinal", "6."),
        pgettext("next steps ordinal", "7."),
        pgettext("next steps ordinal", "8."),
    ]
    return leads[i] if i < len(leads) else f"{i + 1}."


def build(items: list[tuple[str, Source]]) -> list[Block]:
    """One paragraph per open item (a marked sentence and the source it came from)."""
    return [Paragraph(text, source, lead=_lead(i)) for i, (text, source) in enumerate(items)]
