"""管理: staff's second menu, for what is done now and then (organizations, members, invites, agreements, areas,
introductions), so the main menu keeps the everyday actions within LINE's 13 quick replies."""

from bot.dialogs import Access, Context, Router
from bot.texts import catalog as T

ADMIN_MENU = "admin"
# In this order, within LINE's 13 quick replies; the web console's sign-in link (管理画面) comes last (its own
# router handles it).
ADMIN_COMMANDS = (T.ORG_ADD, T.INVITE_ISSUE, T.MEMBER_MANAGE, T.AGREEMENT_ADD, T.KPI_SETUP, T.AREA_SETTINGS,
                  T.INTRO_SETTINGS, T.CONSOLE_COMMAND)

router = Router("admin.menu", access=Access.staff, refusal=T.ADMIN_STAFF_ONLY)
router.help_action(T.ADMIN, T.ADMIN, staff_only=True)
for command in ADMIN_COMMANDS:
    router.help_action(command, command, menu=ADMIN_MENU)


@router.command(T.ADMIN, *T.WORDS_ADMIN)
async def show_admin_menu(ctx: Context) -> None:
    """The admin actions as one-tap buttons."""
    ctx.reply(ctx.menu(T.ADMIN_MENU, ADMIN_MENU))
