"""The chains and leads API is an interface: it parses, calls a selector or a service,
serializes; its reads of tables (a node, a department, an introducer by id) are selectors'."""

import pathlib
import re

import zonedesk.chain.api as api_package

ORM = re.compile(r"\.objects\b|\.filter\(|\.exclude\(|\.get\(pk=|\.all\(\)")


def test_no_module_of_the_api_queries_the_orm_itself():
    folder = pathlib.Path(api_package.__file__).parent
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(folder.glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ORM.search(line)
    ]
    assert found == []
