"""What a learner does in the browser, end to end, in headless Chromium."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    PASSWORD,
    Browsers,
    LiveServer,
    log_practice,
    screenshot,
    sign_up,
    unique_name,
)


def test_sign_up_then_log_practice_and_the_streak_becomes_one(browsers: Browsers) -> None:
    page = browsers.open(timezone="Asia/Tokyo")
    name = unique_name("sofia")
    page.goto("/sign-up")
    # The browser's own time zone is filled in, so the learner's day ends at their midnight.
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    screenshot(page, "sign-up")
    sign_up(page, name, display_name="Sofia Marsh")

    expect(page.get_by_role("heading", name="Hello, Sofia Marsh")).to_be_visible()
    expect(page.get_by_text("No practice yet.")).to_be_visible()
    log_practice(page, language="Spanish", what="Exercises", minutes="10", result="Correct")

    expect(page.locator(".flash")).to_contain_text("Your Spanish streak: 1 day.")
    card = page.locator('.streak[data-language="es"]')
    expect(card.locator(".streak-days")).to_have_text("1")
    expect(card).to_have_class("streak card streak-lit")
    expect(card.get_by_role("img", name="Spanish flame: today counts")).to_be_visible()
    expect(page.locator("td.today")).not_to_have_class("level-0 today")
    screenshot(page, "home")


def test_the_flame_dims_the_next_day_and_goes_out_after_a_missed_day(
    browsers: Browsers, server: LiveServer
) -> None:
    page = browsers.open(timezone="UTC")
    sign_up(page, unique_name("tom"))
    log_practice(page, language="French", what="Reading", minutes="15")

    server.clock.advance(timedelta(days=1))
    page.reload()
    card = page.locator('.streak[data-language="fr"]')
    expect(card).to_have_class("streak card streak-at-risk")
    expect(card).to_contain_text("Practise today to keep your streak.")
    expect(card.locator(".streak-days")).to_have_text("1")
    screenshot(page, "home-at-risk")

    server.clock.advance(timedelta(days=1))
    page.reload()
    expect(card).to_have_class("streak card streak-out")
    expect(card.locator(".streak-days")).to_have_text("0")
    expect(card).to_contain_text("Best: 1 day")


def test_a_friend_request_sent_in_one_browser_is_accepted_in_another(
    browsers: Browsers,
) -> None:
    asker, answerer = browsers.open(), browsers.open()
    asker_name, answerer_name = unique_name("ida"), unique_name("jon")
    sign_up(answerer, answerer_name, display_name="Jon Answer")
    sign_up(asker, asker_name, display_name="Ida Ask")

    asker.goto("/friends")
    asker.get_by_label("Username or name").fill(answerer_name)  # results come as you type
    result = asker.locator("#search-results li", has_text="Jon Answer")
    expect(result).to_be_visible()
    result.get_by_role("button", name="Add friend").click()
    expect(asker.locator(".flash")).to_contain_text(f"Friend request sent to {answerer_name}.")
    expect(asker.get_by_role("region", name="Waiting for an answer")).to_contain_text("Jon Answer")
    screenshot(asker, "friends-request-sent")

    answerer.reload()
    expect(answerer.locator("#request-count")).to_contain_text("1")
    nav(answerer, "Friends")
    requests = answerer.get_by_role("region", name="Asking to be your friend")
    expect(requests).to_contain_text("Ida Ask")
    screenshot(answerer, "friends-request-received")
    requests.get_by_role("button", name="Accept").click()
    expect(answerer.locator(".flash")).to_contain_text("you are friends now")
    expect(answerer.get_by_role("region", name="Your friends (1)")).to_contain_text("Ida Ask")
    expect(answerer.locator("#request-count")).to_have_count(0)

    asker.reload()
    friends = asker.get_by_role("region", name="Your friends (1)")
    expect(friends).to_contain_text("Jon Answer")
    friends.get_by_role("link", name="Jon Answer").click()
    expect(asker.get_by_role("heading", name="Your friend streak")).to_be_visible()
    screenshot(asker, "learner-friend")


def test_a_new_badge_is_marked_new_and_then_cleared(browsers: Browsers) -> None:
    page = browsers.open()
    sign_up(page, unique_name("kim"))
    log_practice(page, language="German", what="Learned a word")
    expect(page.locator(".flash")).to_contain_text("New badge: First Word!")
    expect(page.locator("#badge-count")).to_have_text("1 new")
    celebration = page.get_by_role("dialog", name="Well done!")
    expect(celebration).to_contain_text("New badge: First Word")
    celebration.get_by_role("button", name="Keep going").click()

    nav(page, "Badges")
    card = page.locator("#metric-learned_words")
    first_word = card.locator(".level", has_text="First Word")
    expect(first_word.locator(".new")).to_have_text("New")
    expect(first_word).to_have_class("level achieved")
    expect(card.get_by_role("progressbar")).to_have_attribute("max", "10")
    screenshot(page, "badges")
    # The page tells the server it showed them; the count in the header clears.
    expect(page.locator("#badge-count")).to_have_text("")

    page.reload()
    expect(first_word.locator(".new")).to_have_count(0)
    expect(first_word).to_have_class("level achieved")


def test_switching_leaderboard_periods_reranks_the_board(
    browsers: Browsers, server: LiveServer
) -> None:
    me, friend = browsers.open(timezone="UTC"), browsers.open(timezone="UTC")
    my_name, friend_name = unique_name("lea"), unique_name("max")
    # Friends since last week, when Max did three correct exercises; this week I did one.
    server.clock.advance(timedelta(days=-6))
    sign_up(friend, friend_name, display_name="Max Friend")
    sign_up(me, my_name, display_name="Lea Me")
    me.goto("/friends")
    me.get_by_label("Username or name").fill(friend_name)
    me.locator("#search-results").get_by_role("button", name="Add friend").click()
    friend.goto("/friends")
    friend.get_by_role("button", name="Accept").click()
    for _ in range(3):
        log_practice(friend, language="Italian", what="Exercises", result="Correct")
    server.clock.advance(timedelta(days=6))
    log_practice(me, language="Italian", what="Exercises", result="Correct")

    nav(me, "Boards")
    board = me.locator("#board")
    first = board.locator("tbody tr").first
    expect(first).to_contain_text("Lea Me")
    expect(first).to_have_class("is-self")
    expect(first.locator(".tag.you")).to_have_text("You")
    screenshot(me, "boards-week")

    me.get_by_label("Last week").check()
    expect(me).to_have_url(
        f"{server.url}/boards?board=friends&metric=correct_exercises&period=last-week"
    )
    expect(board.get_by_role("heading")).to_contain_text("last week")
    expect(first).to_contain_text("Max Friend")
    expect(first.locator(".num")).to_have_text("3")

    me.get_by_label("All time").check()
    expect(board.get_by_role("heading")).to_contain_text("all time")
    rows = board.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Max Friend")
    expect(rows.nth(1)).to_have_class("is-self")
    expect(rows.nth(1).locator(".num")).to_have_text("1")
    screenshot(me, "boards-all-time")


def test_the_avatar_editor_previews_live_and_errors_keep_what_was_typed(
    browsers: Browsers,
) -> None:
    page = browsers.open()
    name = unique_name("noa")
    sign_up(page, name)
    page.get_by_role("link", name=name.title()).click()
    preview = page.locator("#avatar-preview")
    page.get_by_role("radio", name="A penguin").check()
    page.get_by_role("radio", name="Animal colour #8E24AA").check()
    page.get_by_role("radio", name="Background colour #9CD5FF").check()
    # Nothing saved yet: the preview follows the choices at once.
    expect(preview).to_have_attribute(
        "src", "/v1/avatars/penguin.svg?character=8E24AA&background=9CD5FF"
    )
    expect(preview).to_have_attribute("alt", "Preview of your avatar: a penguin")
    screenshot(page, "profile")

    page.get_by_label("Display name").fill("Noa Penguin")
    page.get_by_label("Username").fill("no spaces please")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#username-error")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("Noa Penguin")
    expect(page.get_by_role("radio", name="A penguin")).to_be_checked()

    page.get_by_label("Username").fill(name)
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".flash")).to_have_text("Your profile is saved.")
    expect(page.locator(".me-link img")).to_have_attribute(
        "src", "/v1/avatars/penguin.svg?character=8E24AA&background=9CD5FF"
    )
    expect(page.locator(".me-link")).to_contain_text("Noa Penguin")


def test_a_teacher_shares_the_invite_code_and_sees_the_student_join(browsers: Browsers) -> None:
    teacher, student = browsers.open(), browsers.open(phone=True)
    sign_up(teacher, unique_name("ms"), display_name="Ms Teach")
    sign_up(student, unique_name("pupil"), display_name="Pia Pupil")

    teacher.goto("/classes")
    teacher.get_by_label("Class name").fill("Danish 1A")
    teacher.get_by_role("button", name="Start class").click()
    expect(teacher.get_by_role("heading", name="Danish 1A")).to_be_visible()
    code = teacher.locator(".invite-code").inner_text()
    settings = teacher.get_by_role("region", name="Settings")
    settings.get_by_label("Leaderboard on").check()
    settings.get_by_label("Anonymous").check()
    settings.get_by_role("button", name="Save settings").click()
    expect(teacher.locator(".flash")).to_have_text("Class settings saved.")
    expect(teacher.get_by_label("Anonymous")).to_be_checked()

    student.goto("/classes")
    student.get_by_label("Invite code from your teacher").fill("WRONG123")
    student.get_by_role("button", name="Join").click()
    expect(student.locator("#invite_code-error")).to_be_visible()
    expect(student.get_by_label("Invite code from your teacher")).to_have_value("WRONG123")
    student.get_by_label("Invite code from your teacher").fill(code)
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_role("heading", name="Danish 1A")).to_be_visible()
    expect(student.locator(".invite-code")).to_have_count(0)
    screenshot(student, "class-student-phone")

    teacher.reload()
    expect(teacher.get_by_role("region", name="Members")).to_contain_text("Pia Pupil")
    screenshot(teacher, "class-teacher")


def test_a_stranger_sees_no_streaks_and_sign_out_ends_the_session(browsers: Browsers) -> None:
    viewer, other = browsers.open(), browsers.open()
    other_name = unique_name("ola")
    sign_up(other, other_name, display_name="Ola Other")
    log_practice(other, language="Swedish", what="Listening")
    sign_up(viewer, unique_name("vic"))

    viewer.goto(f"/learners/{other_name}")
    expect(viewer.get_by_role("heading", name="Ola Other")).to_be_visible()
    expect(viewer.get_by_text("Become friends to see each other's streaks.")).to_be_visible()
    expect(viewer.get_by_role("heading", name="Streaks")).to_have_count(0)
    screenshot(viewer, "learner-stranger")

    viewer.get_by_role("button", name="Sign out").click()
    expect(viewer.locator(".flash")).to_have_text("You are signed out.")
    viewer.goto("/friends")
    expect(viewer).to_have_url(f"{viewer.url.split('/sign-in')[0]}/sign-in?next=%2Ffriends")
    viewer.get_by_label("E-mail or username").fill(other_name)
    viewer.get_by_label("Password").fill(PASSWORD)
    viewer.get_by_role("button", name="Sign in").click()
    expect(viewer.get_by_role("heading", name="Friends", exact=True)).to_be_visible()


def test_on_a_phone_the_page_fits_and_works_with_the_keyboard(browsers: Browsers) -> None:
    page = browsers.open(phone=True)
    sign_up(page, unique_name("pat"))
    log_practice(page, language="Japanese", what="Exercises", result="Correct")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the home page scrolls sideways on a phone ({width}px)"
    screenshot(page, "home-phone")

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.goto("/badges")
    images = page.locator("img")
    for index in range(images.count()):
        assert images.nth(index).get_attribute("alt") is not None, "an image without alt text"


def nav(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=section).click()


def _sign_in_page(page: Page) -> None:
    page.goto("/sign-in")
    screenshot(page, "sign-in")


def test_the_sign_in_page_refuses_a_wrong_password_in_place(browsers: Browsers) -> None:
    page = browsers.open()
    name = unique_name("rae")
    sign_up(page, name)
    page.get_by_role("button", name="Sign out").click()
    _sign_in_page(page)
    page.get_by_label("E-mail or username").fill(name)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".form-error")).to_be_visible()
    expect(page.get_by_label("E-mail or username")).to_have_value(name)
    expect(page.get_by_label("Password")).to_have_value("")
