"""Every documented command runs as written.

Each `nox -s NAME ...` and `hello-release ...` in the repository's Markdown files and in the
noxfile's docstrings, its placeholders filled with example values, must be accepted by the
parser that will read it: the session's own flags (tools.args.SESSION_FLAGS), or the release
tool's parser (hello_release.arguments) for the sessions that hand their arguments to it.

Commands are the lines of shell code blocks (```sh, ```bash, ```shell; in ```console the
lines after `$ `) and inline code that starts with one. Other code blocks hold output or
configuration. Inline code that only names a session or a command (`nox -s plan`,
`hello-release publish`) is a mention: the session or command must exist, nothing more.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shlex
from dataclasses import dataclass

import pytest

from hello_release import arguments
from tools.args import SESSION_FLAGS, session_args
from tools.project import ROOT, git, noxfile_sessions
from tools.tests.fakes import FakeSession, SessionError

SHELL_BLOCKS = {"sh", "bash", "shell", "console"}
FENCE = re.compile(r"\s*(```|~~~)\s*(\w*)")
INLINE = re.compile(r"`([^`]+)`")
# What may come before the command: a prompt, variable assignments, `uv run` and its options.
COMMAND = re.compile(
    r"(?:\$\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:uv run(?:\s+--[\w-]+\s+[\w-]+)*\s+)?"
    r"(?P<command>(?:nox -s|hello-release)(?:\s.*)?)"
)
MENTION = re.compile(r"nox -s [\w-]+|hello-release(?: [a-z][\w-]*)?")

# The placeholders the docs use, and the example value each stands for.
COMMIT = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32
REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
EXAMPLES = {
    "sha256:...": DIGEST,
    "SHA": COMMIT,
    "sha": COMMIT,
    "DIGEST": DIGEST,
    "ENV": "dev",
    "env": "dev",
    "REGISTRY": REGISTRY,
    "registry": REGISTRY,
    "OWNER/REPO": "acme/hello-platform",
    "DIR": "build/infra/plan/dev",
    "N": "7",
    "BUCKET": "hello-platform-tfstate-123456789012",
    "ETAG": "0123456789abcdef0123456789abcdef",
    "DEV": "123456789012",
}
PLACEHOLDER = re.compile(
    r"(?P<digest>sha256:\.\.\.)|<(?P<angle>[\w /]+)>|\$\{(?P<braced>\w+)\}|\$(?P<dollar>\w+)"
    r"|(?<![\w/-])(?P<bare>OWNER/REPO|[A-Z][A-Z_]*)(?!\w)"
)
# What a placeholder without an example looks like once the known ones are filled in.
UNFILLED = re.compile(r"<[^>]*>|\$\{?\w+|\.\.\.|\b[A-Z][A-Z_]{2,}\b")


def fill(text: str) -> str:
    """`text` with each placeholder replaced by its example (unknown ones are left)."""

    def example(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group is not None)
        return EXAMPLES.get(name, match.group(0))

    return PLACEHOLDER.sub(example, text)


@dataclass(frozen=True)
class Documented:
    path: str
    line: int
    text: str  # the command as written, from `nox -s` or `hello-release` on
    mention: bool  # inline code naming a session or command, not a command to run

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def commands_in_markdown(text: str, name: str) -> list[Documented]:
    found: list[Documented] = []
    block: str | None = None  # the language of the code block we are in
    prose: list[tuple[int, str]] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        fence = FENCE.match(line)
        if fence:
            block = None if block is not None else fence.group(2)
        elif block is None:
            prose.append((number, line))
        elif block in SHELL_BLOCKS:
            start = number
            while line.endswith("\\") and number < len(lines):
                line = line[:-1].rstrip() + " " + lines[number].strip()
                number += 1
            if block == "console" and not line.startswith("$ "):
                continue
            command = COMMAND.fullmatch(line.strip())
            if command:
                found.append(Documented(name, start, command["command"], mention=False))
    return sorted(found + commands_in_prose(prose, name), key=lambda command: command.line)


def commands_in_prose(lines: list[tuple[int, str]], name: str) -> list[Documented]:
    """Inline code that starts with a command. Code spans do not cross paragraphs (lines of
    text between blank lines), but may cross lines within one."""
    found = []
    paragraphs: list[list[tuple[int, str]]] = [[]]
    for number, line in lines:
        if line.strip():
            paragraphs[-1].append((number, line))
        else:
            paragraphs.append([])
    for paragraph in filter(None, paragraphs):
        text = "\n".join(line for _, line in paragraph)
        for span in INLINE.finditer(text):
            command = COMMAND.fullmatch(" ".join(span.group(1).split()))
            if command:
                number = paragraph[text.count("\n", 0, span.start())][0]
                mention = MENTION.fullmatch(command["command"]) is not None
                found.append(Documented(name, number, command["command"], mention))
    return found


def noxfile_docstrings() -> list[tuple[int, str]]:
    """The lines of the noxfile's docstrings (its own and its functions'), numbered."""
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    found: list[tuple[int, str]] = []
    nodes: list[ast.Module | ast.FunctionDef] = [tree]
    nodes += [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    for node in nodes:
        docstring = ast.get_docstring(node, clean=False)
        if docstring:
            first = node.body[0].lineno
            found += [(first + i, line) for i, line in enumerate(docstring.splitlines())]
            found.append((0, ""))  # a docstring ends a paragraph
    return found


def documented() -> list[Documented]:
    found = []
    for path in git("ls-files", "*.md").splitlines():
        found += commands_in_markdown((ROOT / path).read_text(), path)
    return found + commands_in_prose(noxfile_docstrings(), "noxfile.py")


def session_name(function: ast.FunctionDef) -> str:
    """The name a noxfile function is run by: its decorator's `name=`, else its own name."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name":
                    return str(ast.literal_eval(keyword.value))
    return function.name


def release_sessions() -> dict[str, str]:
    """The sessions that run hello-release, and the command each runs: the noxfile's session
    functions that call `_hello_release(session, "COMMAND")`."""
    found = {}
    for node in ast.parse((ROOT / "noxfile.py").read_text()).body:
        if isinstance(node, ast.FunctionDef):
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and ast.unparse(call.func) == "_hello_release":
                    found[session_name(node)] = ast.literal_eval(call.args[1])
    return found


DOCUMENTED = documented()
RELEASE_SESSIONS = release_sessions()


def release_tool_refusal(argv: list[str]) -> str | None:
    """What hello-release's own parser says against `argv` (None: it takes them)."""
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(io.StringIO()):
            arguments.parser().parse_args(argv)
    except SystemExit as exit_:
        return None if exit_.code == 0 else said.getvalue().strip()  # 0: it printed --help
    return None


def refusal(command: Documented) -> str | None:
    """Why the parser that reads `command` refuses it (None: it takes it)."""
    words = shlex.split(fill(command.text), comments=True)
    unfilled = [word for word in words if UNFILLED.search(word)]
    if unfilled:
        return f"placeholders without an example value (EXAMPLES): {unfilled}"
    if words[0] == "hello-release":
        return release_tool_refusal(words[1:] + (["--help"] if command.mention else []))
    if len(words) < 3:
        return "no session named"
    name, rest = words[2], words[3:]
    if name not in noxfile_sessions():
        return f"the noxfile has no session {name!r}"
    if rest[:1] not in ([], ["--"]):
        return f"{rest} must follow `--` to reach the session"
    posargs = rest[1:]
    if name in RELEASE_SESSIONS and not command.mention:
        return release_tool_refusal([RELEASE_SESSIONS[name], *posargs])
    if name in SESSION_FLAGS and not command.mention:
        try:
            session_args(FakeSession(name=name, posargs=posargs).session).parse()
        except SessionError as error:
            return str(error)
    return None  # a mention, or a session that hands its posargs on (to pytest, uv, bench.py)


@pytest.mark.parametrize("command", DOCUMENTED, ids=lambda command: command.where)
def test_the_parser_takes_the_documented_command(command: Documented) -> None:
    assert refusal(command) is None, f"{command.where}: `{command.text}`: {refusal(command)}"


def test_every_release_session_has_a_documented_example() -> None:
    examples = {c.text.split()[2] for c in DOCUMENTED if c.text.startswith("nox") and not c.mention}
    assert set(RELEASE_SESSIONS) == {
        "deploy", "verify", "promote", "rollback", "rollback-target", "status", "publish",
        "env-lock", "env-unlock", "env-lock-status", "env-break-lock",
        "apply-check", "apply-record", "copy-image",
    }  # fmt: skip
    assert examples >= set(RELEASE_SESSIONS)
    assert {c.path for c in DOCUMENTED} >= {
        "README.md",
        "docs/bootstrap.md",
        "noxfile.py",
    }


MARKDOWN = """\
Run `nox -s plan` or `nox -s apply -- prod
--plan-dir DIR` then:

```sh
AWS_PROFILE=x nox -s deploy -- --env dev \\
  --sha "$SHA"   # a comment
echo nox -s nothing
uv run --group release hello-release --help
```

```
hello-release deploy: what the tool printed
```

```console
$ hello-release status --env dev
hello-release status: printed
```
"""


def test_commands_are_found_in_code_blocks_and_inline_code() -> None:
    assert commands_in_markdown(MARKDOWN, "f.md") == [
        Documented("f.md", 1, "nox -s plan", mention=True),
        Documented("f.md", 1, "nox -s apply -- prod --plan-dir DIR", mention=False),
        Documented("f.md", 5, 'nox -s deploy -- --env dev --sha "$SHA"   # a comment', False),
        Documented("f.md", 8, "hello-release --help", mention=False),
        Documented("f.md", 16, "hello-release status --env dev", mention=False),
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("nox -s deploy -- --env dev --sha SHA", "the following arguments are required: --digest"),
        ("nox -s promote --sha SHA", "['--sha', '0123456789abcdef0123456789abcdef01234567'] must"),
        ("nox -s plan -- staging", "argument dev|prod: invalid choice: 'staging'"),
        ("nox -s attest-verify -- --image x --sha SHA", "'x' is not REGISTRY/REPOSITORY"),
        ("nox -s nosuch -- --x", "the noxfile has no session 'nosuch'"),
        ("nox -s status -- --env <environment>", "placeholders without an example value"),
        ("nox -s rollback -- --env dev --to-sha OLD_SHA", "without an example value"),
        ("hello-release verify --url notaurl --sha SHA", "'notaurl' is not a base URL"),
        ("hello-release unknown", "invalid choice: 'unknown'"),
    ],
)
def test_a_command_the_parser_refuses(text: str, said: str) -> None:
    assert said in (refusal(Documented("f.md", 1, text, mention=False)) or "")


def test_a_mention_needs_only_the_session_or_command() -> None:
    assert refusal(Documented("f.md", 1, "nox -s status", mention=True)) is None
    assert refusal(Documented("f.md", 1, "hello-release publish", mention=True)) is None
    assert "invalid choice" in (refusal(Documented("f.md", 1, "hello-release pub", True)) or "")
    assert "no session 'stat'" in (refusal(Documented("f.md", 1, "nox -s stat", True)) or "")
