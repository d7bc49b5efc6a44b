"""Refusals of account deletion."""

from zeal.errors import Conflict, Forbidden, WrongPassword


class PasswordIncorrect(Forbidden, WrongPassword):
    # 403, not 401: the session is fine; the password that confirms deletion is not.
    code = "password_incorrect"
    title = "The password is not right"


class ClassNeedsTeacher(Conflict):
    code = "class_needs_teacher"
    title = "A class would be left without a teacher"
