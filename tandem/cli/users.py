"""``tandem createuser`` and ``tandem token create``."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from tandem.cli.common import CommandFailedError, setup_django, validation_message

# Roles and scopes, spelled out here so that `--help` needs no Django set-up; the tests
# check they match tandem.core.roles.Role and tandem.people.models.TokenScope.
ROLES = ("admin", "executive", "account_manager", "project_manager", "member")
TOKEN_SCOPES = ("read", "read_write")


def _read_password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandFailedError("--password-stdin: standard input held no password")
        return password
    if not sys.stdin.isatty():
        raise CommandFailedError(
            "no password: pass --password-stdin (and pipe it in) or --no-password "
            "(the user then sets one through 'forgot password')"
        )
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CommandFailedError("the two passwords differ")
    return password


def cmd_createuser(args: argparse.Namespace) -> int:
    password = _read_password(args)
    setup_django()
    from django.core.exceptions import ValidationError

    from tandem.people import services

    try:
        user = services.user_create(
            actor=None,
            email=args.email,
            full_name=args.name,
            password=password,
            roles=args.roles,
            title=args.title,
        )
    except ValidationError as exc:
        raise CommandFailedError(validation_message(exc)) from exc
    roles = ", ".join(role for role in ROLES if role in user.roles)
    print(f"Created {user.email} ({user.full_name}) with role(s): {roles}.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    if args.expires_days is not None and args.expires_days < 1:
        raise CommandFailedError(f"--expires-days must be at least 1, not {args.expires_days}")
    setup_django()
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tandem.people import services
    from tandem.people.models import User

    user = User.objects.filter(email__iexact=args.email.strip()).first()
    if user is None:
        raise CommandFailedError(f"no user with the e-mail {args.email!r}")
    if not user.is_active:
        raise CommandFailedError(f"the account {user.email} is disabled")
    expires_at = (
        timezone.now() + dt.timedelta(days=args.expires_days) if args.expires_days else None
    )
    try:
        token, secret = services.token_create(
            actor=None, user=user, name=args.name, scope=args.scope, expires_at=expires_at
        )
    except ValidationError as exc:
        raise CommandFailedError(validation_message(exc)) from exc
    expiry = f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "no expiry"
    print(
        f"Token {token.name!r} for {user.email} ({token.scope}, {expiry}). "
        "Its secret is shown once, below; keep it safe.",
        file=sys.stderr,
    )
    print(secret)
    return 0


def add_createuser_parser(sub: argparse._SubParsersAction) -> None:
    createuser = sub.add_parser(
        "createuser",
        help="create a user with roles",
        description="Create a user with a person profile and one or more roles. The password "
        "is asked for twice when run in a terminal.",
    )
    createuser.add_argument("email", help="the e-mail address the user logs in with")
    createuser.add_argument("--name", required=True, help="full name, e.g. 'Ana Lima'")
    createuser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=ROLES,
        metavar="ROLE",
        help=f"a role to hold; repeat for several ({', '.join(ROLES)})",
    )
    createuser.add_argument("--title", default="", help="job title, e.g. 'Project Manager'")
    password = createuser.add_mutually_exclusive_group()
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.add_argument(
        "--no-password",
        action="store_true",
        help="no password: the user sets one through 'forgot password'",
    )
    createuser.set_defaults(handler=cmd_createuser)


def add_token_parser(sub: argparse._SubParsersAction) -> None:
    token = sub.add_parser("token", help="personal access tokens for the API")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = token_sub.add_parser(
        "create",
        help="create a token and print its secret (once)",
        description="Create a personal access token for a user. The secret is printed once, "
        "alone on standard output; send it as 'Authorization: Bearer <secret>'.",
    )
    create.add_argument("email", help="the user the token acts as")
    create.add_argument(
        "--name", required=True, help="what the token is for, e.g. 'nightly export'"
    )
    create.add_argument(
        "--scope",
        choices=TOKEN_SCOPES,
        default="read",
        help="read (GET only) or read_write (default: read)",
    )
    create.add_argument(
        "--expires-days", type=int, default=None, metavar="N", help="expire after N days"
    )
    create.set_defaults(handler=cmd_token_create)
