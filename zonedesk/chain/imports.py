"""A chain to and from a workbook: a sheet for the chain, a sheet for its nodes.

The import is all or nothing and reads with core.xlsx as monitoring's monthly sheet does:
every bad cell is reported (sheet, row, column, value, reason, in the user's language) and
nothing is written unless there are none; then `services.chain_save` writes the chain (which
checks the tree again). Headers are read in either language.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from zonedesk.chain import access
from zonedesk.chain.models import Chain, ChainNode
from zonedesk.chain.services import ChainData, NodeData, chain_save, node_problems
from zonedesk.core import xlsx
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.xlsx import CellError, Column, ImportRejected
from zonedesk.org.selectors import area_list, zone_list


def chain_sheet() -> str:
    return _("chain")


def nodes_sheet() -> str:
    return _("nodes")


def chain_columns() -> dict[str, Column]:
    return {
        "code": Column(_("Chain code"), 16, "text", comment=_("Letters, digits, - and _.")),
        "name": Column(_("Chain name"), 28, "text"),
        "description": Column(_("Description"), 40, "wrap"),
        "weak_below_firms": Column(_("Weak below (firms)"), 10, "int"),
        "dominant_share": Column(_("Dominant firm's share"), 10, comment=_("e.g. 0.6")),
    }


def node_columns() -> dict[str, Column]:
    return {
        "code": Column(_("Node code"), 16, "text"),
        "parent": Column(_("Parent node code"), 16, "text", comment=_("Empty for a segment.")),
        "name": Column(_("Node"), 24, "text"),
        "segment": Column(
            _("Segment"),
            10,
            "text",
            choices=[str(label) for _v, label in ChainNode.Segment.choices],
        ),
        "industries": Column(
            _("Industry codes (GB/T 4754-2017)"), 20, "text", comment=_("Separated by 、 or ,")
        ),
        "key_products": Column(_("Key products"), 24, "text"),
        "in_target": Column(_("In the target map"), 8, "text", choices=[_("Yes"), _("No")]),
        "description": Column(_("Description"), 40, "wrap"),
    }


CHAIN_REQUIRED = ("code", "name")
NODE_REQUIRED = ("code", "name", "segment")


def _aliases(columns) -> dict[str, str]:
    found = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for key, col in columns().items():
                found[col.header.strip().lower()] = key
                found[col.header.replace("（", "(").replace("）", ")").lower()] = key
    found.update({k: k for k in columns()})
    return found


def _segments() -> dict[str, str]:
    found = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for value, label in ChainNode.Segment.choices:
                found[str(label).lower()] = value
                found[value] = value
    return found


def _sheet_names(name_of) -> set[str]:
    names = set()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            names.add(name_of())
    return names


def _read(data: bytes, name_of) -> tuple[str, list]:
    wanted = _sheet_names(name_of)
    for name in sorted(wanted):
        found, rows = xlsx.read_first_sheet(data, sheet_name=name)
        if found in wanted:
            return found, rows
    raise ImportRejected(
        [
            CellError(
                name_of(),
                0,
                "",
                "",
                _("The workbook has no sheet named “%(s)s”.") % {"s": name_of()},
            )
        ]
    )


def _rows(sheet: str, rows: list, columns, required) -> tuple[xlsx.ImportSheet, list]:
    if not rows:
        raise ImportRejected([CellError(sheet, 1, "", "", _("The sheet is empty."))])
    cols = columns()
    index = xlsx.read_header(sheet, rows[0], _aliases(columns), required, cols)
    return xlsx.ImportSheet(sheet, index, cols), rows[1:]


def _blank(cells) -> bool:
    return all(xlsx.text(v) == "" for v in cells)


def _chain(sheet: xlsx.ImportSheet, rows: list, errors: list) -> dict:
    data = [(n, c) for n, c in enumerate(rows, start=2) if not _blank(c)]
    if len(data) != 1:
        errors.append(CellError(sheet.name, 2, "", "", _("Give exactly one chain, on row 2.")))
        return {}
    number, cells = data[0]
    row = xlsx.SheetRow(sheet, number, cells)
    out = {k: xlsx.text(row.cell(k)) for k in ("code", "name", "description")}
    for key in CHAIN_REQUIRED:
        if not out[key]:
            row.bad(key, "", _("Required."))
    raw = row.cell("weak_below_firms")
    out["weak_below_firms"] = 3
    if xlsx.text(raw):
        try:
            value = xlsx.to_decimal(raw)
            if value != value.to_integral_value() or not 1 <= value <= 1000:
                raise ValueError(raw)
            out["weak_below_firms"] = int(value)
        except ValueError:
            row.bad("weak_below_firms", raw, _("A whole number from 1 to 1000."))
    raw = row.cell("dominant_share")
    out["dominant_share"] = Decimal("0.6")
    if xlsx.text(raw):
        try:
            value = xlsx.to_decimal(raw)
            if not Decimal("0.01") <= value <= 1:
                raise ValueError(raw)
            out["dominant_share"] = value.quantize(Decimal("0.001"))
        except ValueError:
            row.bad("dominant_share", raw, _("A share from 0.01 to 1, e.g. 0.6."))
    errors += row.errors
    return out


def _nodes(sheet: xlsx.ImportSheet, rows: list, errors: list) -> tuple[list, list[int]]:
    segments = _segments()
    nodes, numbers = [], []
    for number, cells in enumerate(rows, start=2):
        if _blank(cells):
            continue
        row = xlsx.SheetRow(sheet, number, cells)
        values = {
            k: xlsx.text(row.cell(k))
            for k in ("code", "parent", "name", "key_products", "description")
        }
        for key in NODE_REQUIRED[:2]:
            if not values[key]:
                row.bad(key, "", _("Required."))
        raw = row.cell("segment")
        segment = segments.get(xlsx.text(raw).lower())
        if segment is None:
            row.bad("segment", raw, _("One of: upstream, midstream, downstream."))
        raw = row.cell("in_target")
        try:
            in_target = True if not xlsx.text(raw) else xlsx.to_bool(raw)
        except ValueError:
            in_target = True
            row.bad("in_target", raw, _("Yes or no."))
        industries = tuple(
            c
            for c in xlsx.text(row.cell("industries"))
            .replace("，", ",")
            .replace("、", ",")
            .split(",")
            if c.strip()
        )
        errors += row.errors
        nodes.append(
            NodeData(
                code=values["code"],
                name=values["name"],
                segment=segment or "",
                parent=values["parent"],
                description=values["description"],
                industries=tuple(c.strip() for c in industries),
                key_products=values["key_products"],
                in_target=in_target,
            )
        )
        numbers.append(number)
    if not nodes:
        errors.append(CellError(sheet.name, 2, "", "", _("The chain has no node.")))
    column = {"code": "code", "parent": "parent", "industries": "industries"}
    for i, field, value, why in node_problems(tuple(nodes)):
        errors.append(
            CellError(sheet.name, numbers[i], sheet.columns[column[field]].header, value, why)
        )
    return nodes, numbers


def owner_choices(user) -> list[tuple[str, str]]:
    """(value, label) of the units the user may define a chain for: zones and areas."""
    out = []
    for zone in zone_list(user).order_by("code"):
        if access.can_define_chain(user, Chain(zone=zone)):
            out.append((f"zone:{zone.code}", zone.name))
    for area in area_list(user).order_by("code"):
        if access.can_define_chain(user, Chain(area=area)):
            out.append((f"area:{area.code}", area.name))
    return out


def _owner(user, owner: str) -> dict:
    kind, _sep, code = owner.partition(":")
    if kind == "zone":
        zone = zone_list(user).filter(code=code).first()
        if zone is not None:
            return {"zone": zone}
    if kind == "area":
        area = area_list(user).filter(code=code).first()
        if area is not None:
            return {"area": area}
    raise PermissionDenied(_("Choose a zone or area of yours to define the chain for."))


def chain_import(*, actor: Actor, owner: str, fileobj, choices=None) -> Chain:
    """The workbook's chain for `owner` ("zone:CODE" or "area:CODE"): created, or the stored
    one of the same code brought to it; every row or none (ImportRejected)."""
    if not access.can_import_chains(actor):
        raise PermissionDenied(_("Only administrators, leaders and officers define chains."))
    unit = _owner(actor, owner)
    if choices is not None and owner not in {v for v, _label in choices}:
        raise PermissionDenied(_("Choose a zone or area of yours to define the chain for."))
    data = fileobj.read() if hasattr(fileobj, "read") else fileobj
    errors: list[CellError] = []
    sheet, rows = _read(data, chain_sheet)
    chain_sheet_, chain_rows = _rows(sheet, rows, chain_columns, CHAIN_REQUIRED)
    chain = _chain(chain_sheet_, chain_rows, errors)
    sheet, rows = _read(data, nodes_sheet)
    node_sheet_, node_rows = _rows(sheet, rows, node_columns, NODE_REQUIRED)
    nodes, _numbers = _nodes(node_sheet_, node_rows, errors)
    if errors:
        raise ImportRejected(errors)
    return chain_save(actor=actor, data=ChainData(nodes=tuple(nodes), **chain, **unit))


@dataclass(frozen=True)
class _Book:
    chain: list
    nodes: list


def _book(chain: Chain | None) -> _Book:
    if chain is None:
        return _Book(
            [["example", _("Example chain"), "", 3, Decimal("0.6")]],
            [
                ["up", "", _("Upstream"), _("Upstream"), "", "", _("Yes"), ""],
                ["up-steel", "up", _("Steel"), _("Upstream"), "3311", "钢结构", _("Yes"), ""],
            ],
        )
    nodes = list(chain.nodes.select_related("parent").prefetch_related("industries"))
    return _Book(
        [
            [
                chain.code,
                chain.name,
                chain.description,
                chain.weak_below_firms,
                # a number (General: 0.6, 0.655), not the text "0.600"
                chain.dominant_share.normalize(),
            ]
        ],
        [
            [
                n.code,
                n.parent.code if n.parent else "",
                n.name,
                n.get_segment_display(),
                "、".join(i.industry_code for i in n.industries.all()),
                n.key_products,
                _("Yes") if n.in_target else _("No"),
                n.description,
            ]
            for n in nodes
        ],
    )


def export_bytes(chain: Chain | None) -> bytes:
    """The chain as its import reads it (None: an empty template with an example)."""
    book = _book(chain)
    return xlsx.write_workbook(
        [
            (chain_sheet(), list(chain_columns().values()), book.chain),
            (nodes_sheet(), list(node_columns().values()), book.nodes),
        ]
    )


def template_bytes() -> bytes:
    return export_bytes(None)


def as_file(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)
