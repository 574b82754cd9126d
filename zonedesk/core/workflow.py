"""One shape for every status flow: a declared table of moves, one check, one apply, an event row.

A flow is data. For each state it lists the moves that may follow; a move names who may make it
(a role the flow's `may` predicate understands), the state it leads to (by default the state of
the same name; a move such as "extended" keeps the state), the inputs it requires, and guards
that refuse it for a particular record (a measure paid without application has no "applied").

    flow.check(actor=..., obj=..., move=..., inputs=...)   # raises, changes nothing
    ...the service sets the move's own fields (deadlines, amounts)...
    flow.apply(actor=..., obj=..., move=..., before=snapshot, scope=...)

`check` refuses, in this order: a move the table does not allow from the record's state
(`TransitionRefused`, naming the state, the move and the moves that may follow); a guard's
refusal (`TransitionRefused` with the guard's message); an actor who may not make the move
(`PermissionDenied` with the flow's message for that role); a missing required input
(`ValidationFailed` on that field). `apply` stores the new state, writes the flow's event row
(actor, time, from, to, move, payload) and the audit entry, in the caller's transaction.

Each app subclasses `TransitionEvent` for its own event table. Every flow registers itself in
`FLOWS`, so the transition tests generated from the tables (tests/workflows.py) cover a new flow
without new test code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed

# A guard: given the record, the reason the move is not open to it now, or None.
Guard = Callable[[Any], "str | None"]


class TransitionRefused(DomainError):
    """A move that may not follow the record's current state, or that a guard refuses."""

    def __init__(self, message: str, *, state: str = "", move: str = ""):
        self.state, self.move = state, move
        super().__init__(message)


@dataclass(frozen=True)
class Move:
    """One allowed move out of a state."""

    who: str
    to: str | None = None  # the state after the move; None: the state named like the move
    requires: Mapping[str, str] = field(default_factory=dict)  # input -> message when missing
    guards: tuple[Guard, ...] = ()


class TransitionEvent(models.Model):
    """One move of a record along its flow, stamped with who and when; never changed.

    Subclasses add the foreign key to their record (named as the flow's `subject`) and any
    columns of their own (a reason, an amount)."""

    move = models.CharField(_("step"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Events cannot be changed.")
        super().save(*args, **kwargs)


FLOWS: dict[str, Flow] = {}


class Flow:
    """A status flow: its states, its table of moves, who may make them and its event table.

    - `states`: the model's TextChoices; `field`: the model field that holds the state.
    - `table`: state -> {move: Move}; a state absent from it, or mapped to {}, is final.
    - `may(actor, obj, who)`: whether the actor may make a move open to `who`.
    - `refusals`: who -> the message shown to an actor who may not.
    - `labels`: names of moves that are not states (shown in refusals and on buttons).
    - `refused`: the message for a move the table does not allow, with %(from)s, %(to)s and
      %(allowed)s (the moves that may follow).
    - `event_model` and `subject`: the event table and its foreign key to the record.
    - `initial`: the state a new record starts in (the first state of `table` by default).
    """

    def __init__(
        self,
        *,
        name: str,
        states: type[models.TextChoices],
        table: Mapping[str, Mapping[str, Move]],
        may: Callable[[Actor, Any, str], bool],
        event_model: type[TransitionEvent] | str,
        subject: str,
        field: str = "status",
        refusals: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        refused: str | None = None,
        initial: str | None = None,
        none_left: str | None = None,
    ):
        self.name = name
        self.states = states
        self.table = {str(s): dict(moves) for s, moves in table.items()}
        self.may = may
        self._event_model = event_model
        self.subject = subject
        self.field = field
        self.refusals = dict(refusals or {})
        self.labels = dict(labels or {})
        self.refused = refused or _(
            "“%(to)s” cannot follow “%(from)s”. The steps that may follow: %(allowed)s."
        )
        self.none_left = none_left or _("none")
        self.initial = initial if initial is not None else next(iter(self.table))
        FLOWS[name] = self

    # --- the table, read -----------------------------------------------------------------------

    @property
    def event_model(self) -> type[TransitionEvent]:
        if isinstance(self._event_model, str):
            from django.apps import apps

            self._event_model = apps.get_model(self._event_model)
        return self._event_model

    def target(self, state: str, move: str) -> str:
        """The state a move leads to from `state`."""
        return self.table[state][move].to or move

    def moves(self) -> set[str]:
        return {m for moves in self.table.values() for m in moves}

    def pairs(self) -> list[tuple[str, str]]:
        """Every (state, move) the table allows."""
        return [(s, m) for s, moves in self.table.items() for m in moves]

    def refused_pairs(self) -> list[tuple[str, str]]:
        """Every (state, move) of the flow's states and moves that the table does not allow."""
        allowed = set(self.pairs())
        moves = sorted(self.moves() | set(self.states.values) - {""})
        return [(s, m) for s in self.states.values for m in moves if (s, m) not in allowed]

    def final_states(self) -> list[str]:
        return [s for s in self.states.values if not self.table.get(s)]

    def states_where(self, predicate: Callable[[str], bool]) -> tuple[str, ...]:
        """The states (in declaration order) for which `predicate` holds."""
        return tuple(s for s in self.states.values if predicate(s))

    def reachable(self) -> set[str]:
        seen, todo = {self.initial}, [self.initial]
        while todo:
            state = todo.pop()
            for move in self.table.get(state, {}):
                nxt = self.target(state, move)
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def label(self, move_or_state: str) -> str:
        if move_or_state in self.labels:
            return str(self.labels[move_or_state])
        if move_or_state in self.states.values:
            return str(self.states(move_or_state).label)
        return move_or_state

    # --- one record ----------------------------------------------------------------------------

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def _open(self, obj, move: str) -> tuple[Move | None, str | None]:
        """The move out of the record's state, and a guard's refusal if one refuses it."""
        spec = self.table.get(self.state_of(obj), {}).get(move)
        if spec is None:
            return None, None
        for guard in spec.guards:
            refusal = guard(obj)
            if refusal:
                return spec, str(refusal)
        return spec, None

    def allowed(self, actor: Actor, obj) -> list[str]:
        """The moves this actor may make now (for buttons; `check` decides again)."""
        out = []
        for move in self.table.get(self.state_of(obj), {}):
            spec, refusal = self._open(obj, move)
            if refusal is None and self.may(actor, obj, spec.who):
                out.append(move)
        return out

    def _may_list(self, actor: Actor, obj, spec: Move) -> bool:
        """Whether to name a step in a refusal: the system may take every step."""
        return is_system(actor) or bool(self.may(actor, obj, spec.who))

    def check(self, *, actor: Actor, obj, move: str, inputs: Mapping[str, Any] = ()) -> Move:
        """The move, or the refusal that says why it cannot be made (nothing is changed)."""
        state = self.state_of(obj)
        spec, refusal = self._open(obj, move)
        if spec is None:
            # only the steps this actor may take: naming one they would be refused misleads
            nexts = [
                m for m, s in self.table.get(state, {}).items() if self._may_list(actor, obj, s)
            ]
            allowed = pgettext("list separator", ", ").join(self.label(m) for m in nexts) or str(
                self.none_left
            )
            raise TransitionRefused(
                str(self.refused)
                % {"from": self.label(state), "to": self.label(move), "allowed": allowed},
                state=state,
                move=move,
            )
        if refusal is not None:
            raise TransitionRefused(refusal, state=state, move=move)
        if not self.may(actor, obj, spec.who):
            raise PermissionDenied(self.refusals.get(spec.who))
        inputs = dict(inputs or {})
        missing = {
            name: [str(message)]
            for name, message in spec.requires.items()
            if inputs.get(name) is None
            or (isinstance(inputs[name], str) and not inputs[name].strip())
        }
        if missing:
            raise ValidationFailed(missing)
        return spec

    def event(
        self,
        *,
        actor: Actor,
        obj,
        move: str,
        from_state: str,
        to_state: str,
        at: dt.datetime | None = None,
        payload: Mapping | None = None,
        **extra,
    ) -> TransitionEvent:
        """An unsaved event row (for bulk writes; `apply` saves one)."""
        return self.event_model(
            **{self.subject: obj},
            move=move,
            from_state=from_state,
            to_state=to_state,
            actor=user_or_none(actor),
            actor_name=getattr(actor, "username", "") or "system",
            at=at or timezone.now(),
            payload=dict(payload or {}),
            **extra,
        )

    def apply(
        self,
        *,
        actor: Actor,
        obj,
        move: str,
        before: Mapping[str, Any],
        audited: Iterable[str],
        scope: Mapping[str, Any],
        at: dt.datetime | None = None,
        payload: Mapping | None = None,
        **extra,
    ) -> TransitionEvent:
        """Store the move's new state (with whatever else the service set on `obj`), write the
        event row and the audit entry. `before` is `audit.snapshot(obj, audited)` taken before
        the service changed anything; call it inside the service's transaction after `check`."""
        current = self.state_of(obj)
        setattr(obj, self.field, self.target(current, move))
        obj.save()
        event = self.event(
            actor=actor,
            obj=obj,
            move=move,
            from_state=current,
            to_state=self.state_of(obj),
            at=at,
            payload=payload,
            **extra,
        )
        event.save()
        audit.record(
            actor=actor,
            action="update",
            instance=obj,
            changes={
                **audit.diff(dict(before), audit.snapshot(obj, audited)),
                "step": [current, move],
            },
            **scope,
        )
        return event
