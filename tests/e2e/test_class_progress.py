"""A teacher's view of the class in the browser: who practised this week, who lapsed, sortable."""

from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import Browsers, LiveServer, log_practice, screenshot, sign_up, unique_name


def test_the_teacher_sees_who_practised_and_who_lapsed(
    browsers: Browsers, server: LiveServer
) -> None:
    teacher, keen, quiet = browsers.open(), browsers.open(), browsers.open()
    sign_up(teacher, unique_name("mr"), display_name="Mr Teach")
    sign_up(keen, unique_name("keen"), display_name="Kim Keen")
    sign_up(quiet, unique_name("quiet"), display_name="Quinn Quiet")
    teacher.goto("/classes")
    teacher.get_by_label("Class name").fill("Spanish 3C")
    teacher.get_by_role("button", name="Start class").click()
    code = teacher.locator(".invite-code").inner_text()
    for student in (keen, quiet):
        student.goto("/classes")
        student.get_by_label("Invite code from your teacher").fill(code)
        student.get_by_role("button", name="Join").click()
    log_practice(keen, language="Spanish", what="Exercises", minutes="12", result="Correct")

    teacher.goto("/classes")
    teacher.get_by_role("link", name="Spanish 3C").click()
    teacher.get_by_role("link", name="See how your students are doing this week").click()
    table = teacher.locator("#class-progress")
    expect(table.locator("tbody tr")).to_have_count(2)
    kim = table.locator("tr", has_text="Kim Keen")
    expect(kim).to_contain_text("Spanish: 1")
    expect(kim.locator("td.num").first).to_have_text("12")
    expect(table.locator("tr", has_text="Quinn Quiet")).to_contain_text("Not practised yet")
    expect(table.locator("tr.lapsed")).to_have_count(1)

    teacher.get_by_role("link", name="Student").click()  # names Z-A now
    expect(table.locator("tbody tr").first).to_contain_text("Quinn Quiet")
    teacher.get_by_role("link", name="Minutes").click()  # most first
    expect(table.locator("tbody tr").first).to_contain_text("Kim Keen")
    expect(teacher.get_by_role("columnheader", name="Minutes")).to_have_attribute(
        "aria-sort", "descending"
    )
    screenshot(teacher, "class-progress")

    server.clock.advance(timedelta(days=3))  # Kim has not practised since: flagged too
    teacher.reload()
    expect(table.locator("tr.lapsed")).to_have_count(2)
    expect(table.locator("tr", has_text="Kim Keen")).to_contain_text("3 days without practice")
    teacher.set_viewport_size({"width": 390, "height": 844})
    screenshot(teacher, "class-progress-phone")
