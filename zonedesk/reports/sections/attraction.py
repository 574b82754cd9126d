"""招商引资 in words: the leads worked in the period, the visits, meetings and delegations, the
leads signed (each a key project) and their investment by chain, the chain gaps they fill, the
projects landed, and the open and stale leads (chain.leads_selectors.attraction counts them from
the stored leads, activities and moves)."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.chain.leads_summary import AttractionFacts, ChainState
from zonedesk.reports.document import Block
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import fill
from zonedesk.reports.sections.words import paragraph as joined

# The regions' names (chain.leads_models.LeadRegion's, the same msgids: a section reads no model).
REGIONS = {
    "yangtze": gettext_lazy("Yangtze River Delta (长三角)"),
    "pearl": gettext_lazy("Pearl River Delta (珠三角)"),
    "jjj": gettext_lazy("Beijing–Tianjin–Hebei (京津冀)"),
    "chengyu": gettext_lazy("Chengdu–Chongqing (成渝)"),
    "other": gettext_lazy("Other regions"),
}


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def sentences(f: AttractionFacts, period: str) -> list[str]:
    out = [
        fill(
            _(
                "In %(period)s, investment staff worked %(worked)d leads (%(new)d new), with "
                "%(visits)d visits, %(meetings)d meetings and %(delegations)d delegations."
            ),
            {
                "period": period,
                "worked": f.leads_worked,
                "new": f.new_leads,
                "visits": f.visits,
                "meetings": f.meetings,
                "delegations": f.delegations,
            },
            worked="leads_worked",
            new="leads_new",
            visits="lead_visits",
            meetings="lead_meetings",
            delegations="lead_delegations",
        )
    ]
    if f.by_region:
        items = pgettext("between regions", ", ").join(
            _("%(region)s %(n)d") % {"region": REGIONS.get(code, code), "n": n}
            for code, n in f.by_region
        )
        out.append(_("The new leads came from: %(items)s.") % {"items": items})
    if f.signed:
        out.append(
            fill(
                _(
                    "%(signed)d leads were signed, each registered as a key project, with an "
                    "estimated investment of %(wan)s (10k yuan)."
                ),
                {"signed": f.signed, "wan": _wan(f.signed_wan)},
                signed="leads_signed",
                wan="leads_signed_wan",
            )
        )
        if any(c.chain for c in f.by_chain):
            # every signed lead in a line, those on no chain too, so the lines add up to the total
            items = pgettext("between chains", "; ").join(
                _("%(chain)s: %(n)d, %(wan)s")
                % {
                    "chain": c.chain or _("not on a chain"),
                    "n": c.projects,
                    "wan": _wan(c.investment_wan),
                }
                for c in f.by_chain
            )
            out.append(_("By chain (projects, 10k yuan): %(items)s.") % {"items": items})
        if f.gaps_filled:
            out.append(
                _("They fill the chain gaps %(nodes)s.")
                % {"nodes": pgettext("between chain nodes", ", ").join(f.gaps_filled)}
            )
        if f.strengthened:
            out.append(
                _("They strengthen %(nodes)s, where local firms are already at work.")
                % {"nodes": pgettext("between chain nodes", ", ").join(f.strengthened)}
            )
    else:
        out.append(_("No lead was signed in the period."))
    if f.landed:
        out.append(
            fill(
                _("%(n)d signed projects went into production and landed."),
                {"n": f.landed},
                n="leads_landed",
            )
        )
    if f.chains is not None:
        out += _chain_sentences(f.chains)
    if f.stale and f.stale == f.open_leads:
        followed = _(
            "%(open)d leads are being followed, all %(stale)d of them without recent activity."
        )
    else:
        followed = _(
            "%(open)d leads are being followed, %(stale)d of them without recent activity."
        )
    out.append(
        fill(
            followed,
            {"open": f.open_leads, "stale": f.stale},
            open="leads_open",
            stale="leads_stale",
        )
    )
    return out


# At most this many gap nodes are named in the paragraph (the gaps page lists them all).
NAMED_GAPS = 5


def _chain_sentences(c: ChainState) -> list[str]:
    """延链补链: the chains' target nodes in the period's last month, and the gaps to fill."""
    if not c.target_nodes:
        return []
    out = [
        fill(
            _(
                "In %(month)s, the zone's %(chains)d industrial chains had %(nodes)d target "
                "nodes: %(gaps)d with no local firm (gaps), %(weak)d weak and %(single)d "
                "depending on a single firm."
            ),
            {
                "month": date_format(c.month, "YEAR_MONTH_FORMAT"),
                "chains": c.chains,
                "nodes": c.target_nodes,
                "gaps": c.gaps,
                "weak": c.weak,
                "single": c.single,
            },
            chains="chains",
            nodes="chain_target_nodes",
            gaps="chain_gaps",
            weak="chain_weak",
            single="chain_single",
        )
    ]
    if c.gap_names:
        named = pgettext("between chain nodes", ", ").join(c.gap_names[:NAMED_GAPS])
        if len(c.gap_names) > NAMED_GAPS:
            named = _("%(names)s and %(more)d more") % {
                "names": named,
                "more": len(c.gap_names) - NAMED_GAPS,
            }
        out.append(_("The gaps to fill by investment: %(names)s.") % {"names": named})
    return out


def build(found: Found) -> list[Block]:
    return paragraphs([joined(sentences(found.facts, found.source.period))], found)


def next_steps(found: Found) -> list[str]:
    f: AttractionFacts = found.facts
    out = []
    if f.chains is not None and f.chains.gaps:
        out.append(
            fill(
                _(
                    "Seek investors for the %(gaps)d chain gaps, starting from the leads placed on "
                    "them."
                ),
                {"gaps": f.chains.gaps},
                gaps="chain_gaps",
            )
        )
    if not f.stale:
        return out
    return [
        *out,
        fill(
            _(
                "Have the owners of the %(stale)d stale investment leads contact their companies "
                "again, or drop the leads with a reason."
            ),
            {"stale": f.stale},
            stale="leads_stale",
        ),
    ]


SUMMARY = Part(
    part=3,
    order=50,
    key="attraction",
    title=gettext_lazy("Investment attraction and chain extension"),
    data="zonedesk.reports.summary_data.attraction",
    build=build,
    next_steps=next_steps,
)
