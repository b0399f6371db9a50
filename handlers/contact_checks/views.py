"""What staff read about a contact check: the summary, who is silent, each organization."""

from datetime import datetime

from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.contact_checks import MAX_NOTE, PROVISIONS, SEVERITY, CheckSummary
from handlers.contact_checks.charts import milestone_label

MAX_SILENT_LISTED = 60
MAX_NEED_LISTED = 15
MAX_ORGS_LISTED = 40
MAX_NOTE_SHOWN = 40


def summary_text(summary: CheckSummary, segment_label: str, now: datetime, tz,
                 need_limit: int | None = MAX_NEED_LISTED) -> str:
    check = summary.check
    end = check.closed_at or now
    org_status = summary.org_status()
    orgs = len(summary.orgs)
    answered_orgs = len(summary.orgs_answered)
    text = T.CHECK_SUMMARY.format(
        id=check.id, kind=T.CHECK_DRILL if check.drill else T.CHECK_REAL, segment=segment_label,
        started=moment_label(check.started_at, tz, now),
        elapsed=T.CHECK_ELAPSED.format(minutes=int((end - check.started_at).total_seconds() // 60)),
        closed=T.CHECK_CLOSED_AT.format(when=check.closed_at.astimezone(tz).strftime("%H:%M")) if check.closed_at else "",
        orgs_answered=answered_orgs, orgs=orgs, share=round(100 * answered_orgs / orgs) if orgs else 0,
        org_safe=org_status["safe"], org_damaged=org_status["damaged"], org_help=org_status["help"],
        answered=summary.members_answered, asked=summary.members_asked, **summary.member_status,
        **summary.offered(), proxy=summary.by_proxy, late=summary.late, sent=summary.questions_sent,
        waiting=summary.questions_waiting, failed=summary.questions_failed)
    if check.drill:
        shown = {f"p{share}": milestone_label(took) for share, took in summary.milestones().items()}
        text += "\n" + T.CHECK_MILESTONES.format(**shown)
    in_need = summary.orgs_in_need
    if in_need:
        note_limit = MAX_NOTE_SHOWN if need_limit is not None else MAX_NOTE
        lines = [T.CHECK_NEED_LINE.format(answer=T.CHECK_ANSWER_LABELS[o.status], name=o.name,
                                          note=T.CHECK_NEED_NOTE.format(note=m.truncate_utf16(" / ".join(o.notes),
                                                                                              note_limit))
                                          if o.notes else "")
                 for o in in_need[:need_limit]]
        if need_limit is not None and len(in_need) > need_limit:
            lines.append(T.CHECK_MORE_ORGS.format(count=len(in_need) - need_limit))
        text += "\n" + T.CHECK_NEED_HEADER + "\n" + "\n".join(lines)
    return text


def org_table_text(summary: CheckSummary, limit: int | None = MAX_ORGS_LISTED) -> str:
    """Each organization: its answer (the most serious of its contacts'), who answered, what it offers."""
    labels, offers = T.CHECK_ANSWER_LABELS, T.CHECK_PROVISION_LABELS
    lines = []
    for org in sorted(summary.orgs, key=lambda o: (o.status is None, -SEVERITY.get(o.status, 0), o.name))[:limit]:
        provided = "、".join(offers[p] for p in PROVISIONS if p in org.provisions)
        changed = "、".join(f"{labels[a]}→{labels[b]}" for a, b in org.changes)
        lines.append(T.CHECK_ORG_LINE.format(
            name=org.name, answer=labels[org.status] if org.status else T.CHECK_NO_ANSWER, answered=org.answered,
            contacts=org.contacts, offers=T.CHECK_ORG_OFFERS.format(offers=provided) if provided else "",
            changed=T.CHECK_ORG_CHANGED.format(changes=changed) if changed else ""))
    if limit is not None and len(summary.orgs) > limit:
        lines.append(T.CHECK_MORE_ORGS.format(count=len(summary.orgs) - limit))
    return T.CHECK_ORG_HEADER.format(id=summary.check.id) + "\n" + "\n".join(lines)


def contact_label(contact) -> str:
    """One person to call: name, role, and the phone number when the profile has one."""
    return T.CHECK_SILENT_PERSON.format(name=contact.name, role=T.ROLE_LABELS.get(contact.role, contact.role),
                                        phone=contact.phone or T.CHECK_NO_PHONE)


def silent_text(summary: CheckSummary, limit: int | None = MAX_SILENT_LISTED) -> str:
    """The organizations that have not answered, each with the people to call (for staff only: it shows phone numbers)."""
    silent = summary.orgs_silent
    if not silent:
        return T.CHECK_ALL_ANSWERED
    lines = [T.CHECK_SILENT_LINE.format(org=o.name, people="、".join(contact_label(c) for c in o.silent))
             for o in silent[:limit]]
    if limit is not None and len(silent) > limit:
        lines.append(T.CHECK_MORE_ORGS.format(count=len(silent) - limit))
    text = T.CHECK_SILENT_ORGS.format(count=len(silent), names="\n".join(lines))
    return m.truncate_utf16(text, m.MAX_TEXT) if limit is not None else text
