"""zonedesk's own import-linter contract types (docs/architecture.md), loaded by `.importlinter`.

Two rules the built-in contracts cannot state:
- `public_rooms`: a module outside an app imports from it only its public rooms (services,
  selectors, access, ...), so a module added to an app is private until the rules say otherwise.
- `orm_free`: a pure computation reaches no ORM, directly or through another zonedesk module; the
  external modules it forbids may be subpackages (`django.db`), which the built-in `forbidden`
  contract refuses, so an import of `django.utils.translation` stays allowed.
"""

from __future__ import annotations

import re

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.domain import helpers


def _is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _line_numbers(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"l.{detail['line_number']}" for detail in details) or "l.?"


class PublicRoomsContract(Contract):
    """Each of `apps` is imported from outside only through its modules named in `rooms` and
    the modules listed in `public_modules` (each with its submodules, so a room may become a
    package)."""

    type_name = "public_rooms"

    apps = fields.ListField(subfield=fields.ModuleField())
    rooms = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.ModuleField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        illegal = []
        for app in (module.name for module in self.apps):  # type: ignore[attr-defined]
            if app not in graph.modules:
                raise ValueError(f"Module '{app}' does not exist.")
            public = [f"{app}.{room}" for room in self.rooms]  # type: ignore[attr-defined]
            public += [module.name for module in self.public_modules or ()]  # type: ignore[attr-defined]
            inside = {app} | graph.find_descendants(app)
            importers = graph.find_modules_that_directly_import(app, as_package=True) - inside
            for importer in sorted(importers):
                for imported in sorted(graph.find_modules_directly_imported_by(importer) & inside):
                    if imported != app and not any(_is_in(imported, room) for room in public):
                        illegal.append(
                            (importer, imported, _line_numbers(graph, importer, imported))
                        )
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"illegal": illegal},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error(f"Another app may import only its {', '.join(self.rooms)}:")  # type: ignore[attr-defined]
        output.new_line()
        for importer, imported, lines in check.metadata["illegal"]:
            output.print_error(f"- {importer} -> {imported} ({lines})", bold=False)
        output.new_line()


class OrmFreeContract(Contract):
    """`source_modules` (each with its submodules) import none of `forbidden_modules` (zonedesk
    modules, wildcards allowed) nor of `forbidden_external` (dotted external names such as
    `django.db`), directly or through any other zonedesk module. A source in parentheses is
    optional: checked once it exists."""

    type_name = "orm_free"

    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_modules = fields.ListField(subfield=fields.ModuleExpressionField())
    forbidden_external = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def _sources(self, graph: grimp.ImportGraph) -> list[str]:
        sources = []
        for raw in self.source_modules:  # type: ignore[attr-defined]
            name = raw.strip("()")
            if name in graph.modules:
                sources.append(name)
            elif name == raw:
                raise ValueError(f"Module '{name}' does not exist.")
        return sources

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        forbidden = {
            module.name
            for module in helpers.module_expressions_to_modules(
                graph,
                self.forbidden_modules,  # type: ignore[arg-type]
            )
        }
        external = [
            (name.split(".")[0], re.compile(rf"\b(?:from|import)\s+{re.escape(name)}\b"))
            for name in self.forbidden_external or ()  # type: ignore[attr-defined]
        ]
        broken = []
        for source in self._sources(graph):
            own = {source} | graph.find_descendants(source)
            reached = own | graph.find_upstream_modules(source, as_package=True)
            for module in sorted(reached):
                if module in forbidden and module not in own:
                    chain = graph.find_shortest_chain(importer=source, imported=module)
                    broken.append((source, " -> ".join(chain or (source, module))))
                for root, pattern in external:
                    if module not in graph.modules or root not in graph.modules:
                        continue
                    for detail in graph.get_import_details(importer=module, imported=root):
                        if pattern.search(detail["line_contents"]):
                            chain = None
                            if module not in own:
                                chain = graph.find_shortest_chain(importer=source, imported=module)
                            via = " -> ".join(chain) if chain else module
                            broken.append(
                                (
                                    source,
                                    f"{via} (l.{detail['line_number']}: "
                                    f"{detail['line_contents'].strip()})",
                                )
                            )
                            break
        return ContractCheck(
            kept=not broken,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"broken": broken},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for source, chain in check.metadata["broken"]:
            output.print_error(f"{source} reaches the ORM:", bold=False)
            output.new_line()
            output.print_error(f"-   {chain}", bold=False)
            output.new_line()
