"""Refusals of the accounts domain, each with the code a client can switch on."""

from zeal.errors import Conflict, Invalid, NotFound, Unauthenticated, WrongPassword


class EmailTaken(Conflict):
    code = "email_taken"
    title = "E-mail already registered"


class UsernameTaken(Conflict):
    code = "username_taken"
    title = "Username taken"


class UsernameInvalid(Invalid):
    code = "username_invalid"
    title = "Invalid username"


class UsernameReserved(Invalid):
    code = "username_reserved"
    title = "Username reserved"


class PasswordTooWeak(Invalid):
    code = "password_too_weak"
    title = "Password too weak"


class DailyGoalInvalid(Invalid):
    code = "daily_goal_invalid"
    title = "Not a daily goal on offer"


class DisplayNameInvalid(Invalid):
    code = "display_name_invalid"
    title = "Invalid display name"


class TimezoneInvalid(Invalid):
    code = "timezone_invalid"
    title = "Unknown time zone"


class AvatarInvalid(Invalid):
    code = "avatar_invalid"
    title = "Invalid avatar"


class InvalidCredentials(Unauthenticated, WrongPassword):
    code = "invalid_credentials"
    title = "Wrong login or password"


class InvalidToken(Unauthenticated):
    code = "invalid_token"
    title = "Session token missing, expired or revoked"


class InvalidApiKey(Unauthenticated):
    code = "invalid_api_key"
    title = "API key missing or revoked"


class AvatarNotFound(NotFound):
    code = "avatar_not_found"
    title = "No such avatar image"


class UserNotFound(NotFound):
    code = "user_not_found"
    title = "No such learner"


class PlatformTaken(Conflict):
    code = "platform_taken"
    title = "Platform name taken"


class PlatformNameInvalid(Invalid):
    code = "platform_name_invalid"
    title = "Invalid platform name"


class LearnerNotFound(NotFound):
    code = "learner_not_found"
    title = "No such learner on this platform"


class ExternalIdInvalid(Invalid):
    code = "external_id_invalid"
    title = "Invalid external id"
