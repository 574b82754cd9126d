"""The node templates page: a zone's leaders and administrators add, change, move and remove a
kind's nodes of their zone's template (services/templates.py), on the version they read; the
first change copies the installation's default into the zone's own template, the other zones keep
theirs, and restoring the default removes the copy. Dependencies never form a circle, codes stay
unique, and the nodes production and the work summary rely on stay. Projects already added keep
their nodes."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from tests import factories
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.projects import services
from zonedesk.projects.models import NodeTemplate, ProjectNode, TemplateNode
from zonedesk.projects.services.templates import cycle

pytestmark = pytest.mark.django_db


def _template(kind="industrial") -> NodeTemplate:
    """The installation's default of `kind`."""
    services.templates_ensure()
    return NodeTemplate.objects.get(zone__isnull=True, kind=kind)


def _own(zone, kind="industrial") -> NodeTemplate:
    """The zone's own template of `kind` (made by its first change)."""
    return NodeTemplate.objects.get(zone=zone, kind=kind)


def _no_copy(zone) -> bool:
    return not NodeTemplate.objects.filter(zone=zone).exists()


def _data(node: TemplateNode, **changes) -> services.TemplateNodeData:
    values = {
        "code": node.code,
        "name": node.name,
        "offset_days": node.offset_days,
        "department_name": node.department_name,
        "depends_on": tuple(d.code for d in node.depends_on.all()),
    }
    return services.TemplateNodeData(**(values | changes))


@pytest.mark.parametrize(
    ("name", "waits", "expected"),
    [
        ("none", {"a": [], "b": ["a"]}, None),
        ("self", {"a": ["a"]}, ["a", "a"]),
        ("three", {"a": ["c"], "b": ["a"], "c": ["b"]}, ["a", "c", "b", "a"]),
        ("unknown ignored", {"a": ["zz"]}, None),
    ],
)
def test_cycle(name, waits, expected):
    """The chain of codes that waits for itself, first code repeated at its end."""
    assert cycle(waits) == expected


class TestServices:
    def test_add_appends_and_audits(self, world):
        """A node is added at the end, waiting for the nodes named; the version goes up and the
        template's audit trail names the node."""
        template = _template()
        data = services.TemplateNodeData(
            code="env",
            name="环评批复",
            offset_days=60,
            department_name="生态环境分局",
            depends_on=("approve",),
        )
        node = services.template_node_add(
            actor=world.users["leader"],
            zone=world.zone_a,
            template=template,
            data=data,
            expected_version=1,
        )
        assert node.seq == 13
        assert [d.code for d in node.depends_on.all()] == ["approve"]
        own = _own(world.zone_a)
        assert node.template_id == own.pk and own.version == 2
        template.refresh_from_db()
        assert template.version == 1 and not template.nodes.filter(code="env").exists()
        entries = AuditEntry.objects.filter(target_type="projects.nodetemplate")
        copied = entries.get(action="create")
        assert copied.target_id == str(own.pk) and copied.zone_id == world.zone_a.pk
        assert len(copied.changes["nodes"][1]) == 12
        entry = entries.get(action="update")
        assert entry.changes["node env"][1]["name"] == "环评批复"
        assert entry.zone_id == world.zone_a.pk

    def test_duplicate_code_refused(self, world):
        """Codes are unique in a template."""
        template = _template()
        data = services.TemplateNodeData(code="land", name="再次摘牌")
        with pytest.raises(ValidationFailed) as exc:
            services.template_node_add(
                actor=world.users["leader"],
                zone=world.zone_a,
                template=template,
                data=data,
                expected_version=1,
            )
        assert "code" in exc.value.errors
        assert _no_copy(world.zone_a)  # a refused first change copies nothing

    def test_circle_refused(self, world):
        """签约 may not wait for 开工, which waits (through others) for 签约."""
        template = _template()
        sign = template.nodes.get(code="sign")
        with pytest.raises(ValidationFailed) as exc:
            services.template_node_edit(
                actor=world.users["leader"],
                zone=world.zone_a,
                node=sign,
                data=_data(sign, depends_on=("start",)),
                expected_version=1,
            )
        assert "circle" in exc.value.errors["depends_on"][0]
        assert not sign.depends_on.exists()

    def test_rename_and_recode_keeps_dependants(self, world):
        """A recoded node is still waited for by the nodes that waited for it."""
        template = _template()
        land = template.nodes.get(code="land")
        services.template_node_edit(
            actor=world.users["admin"],
            zone=world.zone_a,
            node=land,
            data=_data(land, code="land_deal", name="土地出让", department_name="自然资源分局"),
            expected_version=1,
        )
        own = _own(world.zone_a)
        permit = own.nodes.get(code="plan_permit")
        assert [d.code for d in permit.depends_on.all()] == ["land_deal"]
        assert own.nodes.get(code="land_deal").department_name == "自然资源分局"
        assert template.nodes.filter(code="land").exists()  # the default keeps its node

    def test_required_nodes_keep_code_and_stay(self, world):
        """投产 (the firm's registration) can be renamed but neither recoded nor removed."""
        template = _template()
        producing = template.nodes.get(code="producing")
        with pytest.raises(ValidationFailed):
            services.template_node_edit(
                actor=world.users["leader"],
                zone=world.zone_a,
                node=producing,
                data=_data(producing, code="prod"),
                expected_version=1,
            )
        with pytest.raises(ValidationFailed):
            services.template_node_remove(
                actor=world.users["leader"], zone=world.zone_a, node=producing, expected_version=1
            )
        services.template_node_edit(
            actor=world.users["leader"],
            zone=world.zone_a,
            node=producing,
            data=_data(producing, name="正式投产"),
            expected_version=1,
        )
        assert _own(world.zone_a).nodes.get(code="producing").name == "正式投产"
        assert template.nodes.get(code="producing").name == "投产"

    def test_move_swaps_with_neighbour(self, world):
        """Moving 用地预审 up puts it before 立项/备案."""
        template = _template()
        review = template.nodes.get(code="land_review")
        services.template_node_move(
            actor=world.users["leader"], zone=world.zone_a, node=review, up=True, expected_version=1
        )
        codes = list(_own(world.zone_a).nodes.order_by("seq").values_list("code", flat=True))
        assert codes[:3] == ["sign", "land_review", "approve"]
        assert list(template.nodes.order_by("seq").values_list("code", flat=True))[1] == "approve"

    def test_remove_a_node_nobody_waits_for(self, world):
        """A node no other node waits for is removed."""
        template = _template()
        services.template_node_add(
            actor=world.users["leader"],
            zone=world.zone_a,
            template=template,
            data=services.TemplateNodeData(code="env", name="环评批复", depends_on=("approve",)),
            expected_version=1,
        )
        own = _own(world.zone_a)
        services.template_node_remove(
            actor=world.users["leader"],
            zone=world.zone_a,
            node=own.nodes.get(code="env"),
            expected_version=2,
        )
        assert not own.nodes.filter(code="env").exists()
        assert own.nodes.count() == 12

    def test_remove_a_node_others_wait_for_refused(self, world):
        """签约 and 用地预审 are waited for: removing them is refused, naming the waiting nodes,
        and nothing changes."""
        template = _template()
        for code, waiting in [("sign", "“立项/备案”、“用地预审”"), ("land_review", "“土地摘牌”")]:
            with pytest.raises(ValidationFailed) as exc:
                services.template_node_remove(
                    actor=world.users["leader"],
                    zone=world.zone_a,
                    node=template.nodes.get(code=code),
                    expected_version=1,
                )
            assert waiting in str(exc.value.errors["code"][0])
        assert template.nodes.count() == 12
        template.refresh_from_db()
        assert template.version == 1
        assert _no_copy(world.zone_a)

    @pytest.mark.parametrize(
        ("code", "up", "later", "earlier"),
        [
            ("approve", True, "立项/备案", "签约"),  # up before the node it waits for
            ("sign", False, "立项/备案", "签约"),  # down after the node waiting for it
            ("full", True, "达产", "投产"),
        ],
    )
    def test_move_against_the_waits_refused(self, world, code, up, later, earlier):
        """A node never goes before a node it waits for: refused naming both, order unchanged."""
        template = _template()
        before = list(template.nodes.order_by("seq").values_list("code", flat=True))
        with pytest.raises(ValidationFailed) as exc:
            services.template_node_move(
                actor=world.users["leader"],
                zone=world.zone_a,
                node=template.nodes.get(code=code),
                up=up,
                expected_version=1,
            )
        message = str(exc.value.errors["seq"][0])
        assert f"“{later}” waits for “{earlier}”" in message
        assert list(template.nodes.order_by("seq").values_list("code", flat=True)) == before

    def test_stale_version_refused(self, world):
        """A second edit made on the default the zone used, after a first one made the zone's own
        copy, is refused (it would have gone to a template nobody read); so is an edit of the
        zone's own on the version read before another change. Nothing is saved."""
        template = _template()
        services.template_node_move(
            actor=world.users["leader"],
            zone=world.zone_a,
            node=template.nodes.get(code="approve"),
            up=False,
            expected_version=1,
        )
        with pytest.raises(StaleVersion):
            services.template_node_remove(
                actor=world.users["admin"],
                zone=world.zone_a,
                node=template.nodes.get(code="topped"),
                expected_version=1,
            )
        own = _own(world.zone_a)
        assert own.version == 2
        services.template_node_edit(
            actor=world.users["leader"],
            zone=world.zone_a,
            node=own.nodes.get(code="topped"),
            data=_data(own.nodes.get(code="topped"), name="主体封顶"),
            expected_version=2,
        )
        with pytest.raises(StaleVersion):
            services.template_node_edit(
                actor=world.users["admin"],
                zone=world.zone_a,
                node=own.nodes.get(code="topped"),
                data=_data(own.nodes.get(code="topped"), offset_days=999),
                expected_version=2,
            )
        topped = own.nodes.get(code="topped")
        assert (topped.name, topped.offset_days) == (
            "主体封顶",
            template.nodes.get(code="topped").offset_days,
        )
        assert own.nodes.count() == 12

    @pytest.mark.parametrize("role", ["officer", "department", "enterprise", "auditor"])
    def test_only_managers(self, world, role):
        """Officers, departments, enterprises and auditors cannot change a template."""
        template = _template()
        with pytest.raises(PermissionDenied):
            services.template_node_remove(
                actor=world.users[role],
                zone=world.zone_a,
                node=template.nodes.get(code="topped"),
                expected_version=1,
            )

    def test_new_projects_only(self, world):
        """A project added before the change keeps its nodes; one added after gets the new one."""
        template = _template()
        before = factories.project(world.zone_a, code="XM-A", signed_on=dt.date(2020, 3, 2))
        services.template_node_add(
            actor=world.users["leader"],
            zone=world.zone_a,
            template=template,
            data=services.TemplateNodeData(code="env", name="环评批复", offset_days=45),
            expected_version=1,
        )
        after = factories.project(world.zone_a, code="XM-B", signed_on=dt.date(2020, 3, 2))
        assert not ProjectNode.objects.filter(project=before, code="env").exists()
        env = ProjectNode.objects.get(project=after, code="env")
        assert env.planned_on == dt.date(2020, 4, 16)


def _add_env(actor, zone, *, read=None, version=1):
    return services.template_node_add(
        actor=actor,
        zone=zone,
        template=read or _template(),
        data=services.TemplateNodeData(code="env", name="环评批复", offset_days=45),
        expected_version=version,
    )


def _codes(project) -> list[str]:
    return list(project.nodes.order_by("seq").values_list("code", flat=True))


class TestZones:
    """Each zone edits its own templates; the defaults are the superusers'."""

    def test_a_zones_change_leaves_other_zones(self, world):
        """Zone A's leader adds a node: A's new projects get it, B's new projects don't, and the
        default keeps its 12 nodes."""
        _add_env(world.users["leader"], world.zone_a)
        in_a = factories.project(world.zone_a, code="XM-A", signed_on=dt.date(2020, 3, 2))
        in_b = factories.project(world.zone_b, code="XM-B", signed_on=dt.date(2020, 3, 2))
        assert "env" in _codes(in_a)
        assert "env" not in _codes(in_b)
        assert _template().nodes.count() == 12
        assert _no_copy(world.zone_b)

    def test_a_zones_project_uses_its_copy(self, world):
        """A new project in zone A copies A's own template (its renamed node, its new
        dependency), not the default."""
        template = _template()
        land = template.nodes.get(code="land")
        services.template_node_edit(
            actor=world.users["admin"],
            zone=world.zone_a,
            node=land,
            data=_data(land, name="土地出让", offset_days=77),
            expected_version=1,
        )
        project = factories.project(world.zone_a, code="XM-A", signed_on=dt.date(2020, 3, 2))
        node = project.nodes.get(code="land")
        assert node.name == "土地出让"
        assert node.baseline_on == dt.date(2020, 3, 2) + dt.timedelta(days=77)
        assert [d.code for d in node.depends_on.all()] == [d.code for d in land.depends_on.all()]

    @pytest.mark.parametrize(
        ("role", "zone"),
        [
            ("city_leader", "zone_a"),
            ("province_admin", "zone_a"),
            ("leader", "zone_b"),
            ("admin", "zone_b"),
            ("leader", None),  # the defaults
        ],
    )
    def test_others_refused(self, world, role, zone):
        """A city's or province's leaders read a zone's templates but don't change them; a
        zone's leaders change neither another zone's nor the defaults. Nothing is copied."""
        with pytest.raises(PermissionDenied):
            _add_env(world.users[role], getattr(world, zone) if zone else None)
        assert not NodeTemplate.objects.exclude(zone=None).exists()
        assert _template().nodes.count() == 12

    def test_another_zones_template_refused(self, world):
        """Zone A's leader cannot reach zone B's own template by naming zone A."""
        _add_env(factories.User.objects.create_superuser("root", password="x"), world.zone_b)
        theirs = _own(world.zone_b)
        with pytest.raises(PermissionDenied):
            services.template_node_remove(
                actor=world.users["leader"],
                zone=world.zone_a,
                node=theirs.nodes.get(code="env"),
                expected_version=theirs.version,
            )
        assert theirs.nodes.filter(code="env").exists()

    def test_superuser_edits_the_defaults(self, world):
        """A superuser's change to the default reaches the zones without their own copy (B),
        not a zone with one (A)."""
        _add_env(world.users["leader"], world.zone_a)
        root = factories.User.objects.create_superuser("root", password="x")
        sign = _template().nodes.get(code="sign")
        services.template_node_edit(
            actor=root, zone=None, node=sign, data=_data(sign, name="正式签约"), expected_version=1
        )
        in_a = factories.project(world.zone_a, code="XM-A", signed_on=dt.date(2020, 3, 2))
        in_b = factories.project(world.zone_b, code="XM-B", signed_on=dt.date(2020, 3, 2))
        assert in_a.nodes.get(code="sign").name == "签约"
        assert in_b.nodes.get(code="sign").name == "正式签约"

    def test_restore_the_default(self, world):
        """Restoring removes the zone's copy (audited with its nodes): A's new projects get the
        default again, projects added before keep their nodes. A second restore is refused."""
        _add_env(world.users["leader"], world.zone_a)
        own = _own(world.zone_a)
        before = factories.project(world.zone_a, code="XM-A", signed_on=dt.date(2020, 3, 2))
        with pytest.raises(StaleVersion):
            services.template_restore_default(
                actor=world.users["admin"], zone=world.zone_a, kind="industrial", expected_version=1
            )
        with pytest.raises(PermissionDenied):
            services.template_restore_default(
                actor=world.users["city_leader"],
                zone=world.zone_a,
                kind="industrial",
                expected_version=2,
            )
        services.template_restore_default(
            actor=world.users["admin"], zone=world.zone_a, kind="industrial", expected_version=2
        )
        assert _no_copy(world.zone_a)
        after = factories.project(world.zone_a, code="XM-B", signed_on=dt.date(2020, 3, 2))
        assert "env" in _codes(before) and "env" not in _codes(after)
        entry = AuditEntry.objects.get(target_type="projects.nodetemplate", action="delete")
        assert entry.target_id == str(own.pk) and entry.zone_id == world.zone_a.pk
        assert "env" in [n["code"] for n in entry.changes["nodes"][0]]
        with pytest.raises(ValidationFailed):
            services.template_restore_default(
                actor=world.users["admin"], zone=world.zone_a, kind="industrial", expected_version=2
            )

    def test_one_template_per_zone_and_kind(self, world):
        """The database holds one default of a kind and one template of a kind per zone."""
        _add_env(world.users["leader"], world.zone_a)
        for zone in (None, world.zone_a):
            with pytest.raises(IntegrityError), transaction.atomic():
                NodeTemplate.objects.create(zone=zone, kind="industrial", name="再来一个")
        NodeTemplate.objects.create(zone=world.zone_b, kind="industrial", name="乙的模板")


class TestPage:
    def test_lists_defaults_and_note(self, world, client_for):
        """The page shows every kind's 12 default nodes and says existing projects keep theirs."""
        page = client_for(world.users["leader"]).get(reverse("projects:templates"))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="template-services"' in html
        assert "tnode-industrial-producing" in html
        assert "已有项目保留原有节点和日期" in html  # the page is in Chinese first

    def test_add_through_the_form(self, world, client_for):
        """The add form creates the node and goes back to the kind's card."""
        _template("services")
        response = client_for(world.users["admin"]).post(
            reverse("projects:template_node_add", args=["services"]),
            {
                "add-services-name": "消防验收",
                "add-services-code": "fire",
                "add-services-offset_days": "400",
                "add-services-department_name": "应急管理局",
                "add-services-depends_on": ["topped"],
                "add-services-version": "1",
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#kind-services")
        node = TemplateNode.objects.get(template__kind="services", code="fire")
        assert [d.code for d in node.depends_on.all()] == ["topped"]

    def test_city_leader_reads_only(self, world, client_for):
        """A city's leader reads zone A's templates (named, marked the default) without a way to
        change them; the change itself is refused."""
        node = _template().nodes.get(code="topped")
        client = client_for(world.users["city_leader"])
        page = client.get(reverse("projects:templates"), {"zone": world.zone_a.code})
        html = page.content.decode()
        assert page.status_code == 200 and world.zone_a.name in html
        assert 'data-testid="template-default-industrial"' in html
        assert "tnode-add-form-industrial" not in html and f"tnode-edit-{node.pk}" not in html
        url = (
            reverse("projects:template_node_remove", args=[node.pk]) + f"?zone={world.zone_a.code}"
        )
        assert client.post(url, {"version": 1}).status_code == 403
        assert _no_copy(world.zone_a)

    def test_superuser_chooses_the_zone(self, world, client_for):
        """A superuser's page offers the defaults and every zone; zone A's page marks its own
        template after its leader's change, zone B's still the default."""
        _add_env(world.users["leader"], world.zone_a)
        client = client_for(factories.User.objects.create_superuser("root", password="x"))
        html = client.get(reverse("projects:templates")).content.decode()
        assert 'data-testid="templates-zone-select"' in html
        assert world.zone_a.name in html and world.zone_b.name in html
        assert 'data-testid="template-default-industrial"' in html  # the defaults first
        a = client.get(reverse("projects:templates"), {"zone": world.zone_a.code})
        assert 'data-testid="template-own-industrial"' in a.content.decode()
        assert "tnode-industrial-env" in a.content.decode()
        b = client.get(reverse("projects:templates"), {"zone": world.zone_b.code})
        assert 'data-testid="template-default-industrial"' in b.content.decode()
        assert "tnode-industrial-env" not in b.content.decode()

    def test_restore_through_the_page(self, world, client_for):
        """The restore button removes zone A's copy; a second click on the old page is refused
        without a 500."""
        _add_env(world.users["leader"], world.zone_a)
        client = client_for(world.users["admin"])
        url = reverse("projects:template_restore", args=["industrial"])
        assert client.post(url, {"version": 2}).status_code == 302
        assert _no_copy(world.zone_a)
        again = client.post(url, {"version": 2})
        assert again.status_code == 400
        assert "该园区此类别已在使用系统默认模板" in again.content.decode()

    def test_circle_shown_on_the_form(self, world, client_for):
        """A circle is refused beside the dependencies field."""
        sign = _template().nodes.get(code="sign")
        response = client_for(world.users["leader"]).post(
            reverse("projects:template_node_edit", args=[sign.pk]),
            {
                "name": "签约",
                "code": "sign",
                "offset_days": "0",
                "depends_on": ["full"],
                "version": "1",
            },
        )
        assert response.status_code == 400
        assert 'data-testid="error-depends_on"' in response.content.decode()

    def test_stale_move(self, world, client_for):
        """A move on an old version is refused with who changed the template."""
        template = _template()
        client = client_for(world.users["leader"])
        node = template.nodes.get(code="land_review")
        assert (
            client.post(
                reverse("projects:template_node_move", args=[node.pk]), {"version": 1, "up": "1"}
            ).status_code
            == 302
        )
        response = client.post(
            reverse("projects:template_node_move", args=[node.pk]), {"version": 1}
        )
        assert response.status_code == 409

    def test_refused_move_shown(self, world, client_for):
        """Moving 立项/备案 above 签约 is refused on the page, naming both nodes."""
        node = _template().nodes.get(code="approve")
        response = client_for(world.users["leader"]).post(
            reverse("projects:template_node_move", args=[node.pk]), {"version": 1, "up": "1"}
        )
        assert response.status_code == 400
        # The page speaks the user's language (Chinese first).
        assert "“立项/备案”须等待“签约”完成，不能排在它之前。" in response.content.decode()


ENGLISH = re.compile(r"[A-Za-z]{3,}(?:[ ,;:'’-]+[A-Za-z]{2,})+")


def _visible_text(html: str) -> str:
    """The page's text as read: no scripts, styles, tags or attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


class TestChinese:
    @pytest.mark.parametrize("page", ["list", "node", "refused"])
    def test_the_pages_read_in_chinese(self, world, client_for, page):
        """In Chinese, the template page, a node's page and a refused form hold no English
        phrase (node codes such as “approve” are single words, and stay)."""
        template = _template()
        node = template.nodes.get(code="approve")
        client = client_for(world.users["leader"])
        with translation.override("zh-hans"):
            if page == "list":
                response = client.get(reverse("projects:templates"), HTTP_ACCEPT_LANGUAGE="zh-hans")
            elif page == "node":
                response = client.get(
                    reverse("projects:template_node_edit", args=[node.pk]),
                    HTTP_ACCEPT_LANGUAGE="zh-hans",
                )
            else:
                response = client.post(
                    reverse("projects:template_node_edit", args=[node.pk]),
                    {"name": "立项", "code": "approve", "offset_days": "-1", "version": "1"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans",
                )
        text = _visible_text(response.content.decode())
        assert "节点" in text
        assert ENGLISH.findall(text) == []
