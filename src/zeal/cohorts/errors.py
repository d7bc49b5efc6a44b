"""Refusals of the cohorts domain."""

from zeal.errors import Conflict, Forbidden, Invalid, NotFound


class CohortNotFound(NotFound):
    # Also the answer to non-members, so cohort ids cannot be probed (B24).
    code = "cohort_not_found"
    title = "No such cohort"


class InviteCodeUnknown(NotFound):
    code = "invite_code_unknown"
    title = "Unknown invite code"


class AlreadyMember(Conflict):
    code = "already_member"
    title = "Already a member"


class TeachersOnly(Forbidden):
    code = "teachers_only"
    title = "Only teachers can do this"


class NotAMember(NotFound):
    code = "not_a_member"
    title = "Not a member of this cohort"


class LastTeacher(Conflict):
    code = "last_teacher"
    title = "A cohort needs a teacher"


class CohortNameInvalid(Invalid):
    code = "cohort_name_invalid"
    title = "Invalid cohort name"
