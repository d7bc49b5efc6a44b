"""Refusals of the friends domain."""

from zeal.errors import Conflict, Forbidden, Invalid, NotFound, ZealError


class CannotBefriendSelf(Invalid):
    code = "cannot_befriend_self"
    title = "That is you"


class AlreadyFriends(Conflict):
    code = "already_friends"
    title = "Already friends"


class FriendRequestExists(Conflict):
    code = "friend_request_exists"
    title = "A friend request is already pending"


class FriendRequestsClosed(Forbidden):
    code = "friend_requests_closed"
    title = "Not accepting friend requests"


class LearnerBlocked(Conflict):
    code = "learner_blocked"
    title = "You blocked this learner"


class FriendRequestLimit(ZealError):
    status = 429
    code = "friend_request_limit"
    title = "Too many friend requests"


class FriendRequestNotFound(NotFound):
    code = "friend_request_not_found"
    title = "No such friend request"


class FriendRequestNotYours(Forbidden):
    code = "friend_request_not_yours"
    title = "Not your friend request to answer"


class FriendRequestNotPending(Conflict):
    code = "friend_request_not_pending"
    title = "Friend request already answered"


class NotFriends(NotFound):
    code = "not_friends"
    title = "Not friends"


class FriendsOnly(Forbidden):
    code = "friends_only"
    title = "Only friends can see this"


class CannotBlockSelf(Invalid):
    code = "cannot_block_self"
    title = "You cannot block yourself"


class NotBlocked(NotFound):
    code = "not_blocked"
    title = "Not blocked"


class SearchTooShort(Invalid):
    code = "search_too_short"
    title = "Search needs at least 2 characters"
