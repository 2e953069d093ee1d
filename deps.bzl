"""The external repositories ledgerseal needs, for its own WORKSPACE and for
any workspace that depends on it.

A consumer's WORKSPACE needs only:

    local_repository(name = "ledgerseal", path = "/path/to/ledgerseal")
    load("@ledgerseal//:deps.bzl", "ledgerseal_deps")
    ledgerseal_deps()

Everything is local (Debian's bazel-bootstrap 4.2.3 builds offline): the
shims under third_party/ and Debian's rules_java. The shims are found relative
to the ledgerseal checkout, not to the workspace that calls the macro, so a
consumer may live anywhere on disk.
"""

# A file at the root of the repository this .bzl file belongs to. A label
# without `@` written in a .bzl file names that file's own repository: in
# ledgerseal's own WORKSPACE this is the main repository (@//:WORKSPACE); in a
# consumer it is @ledgerseal//:WORKSPACE, whatever the consumer's layout.
_LEDGERSEAL_ROOT_FILE = Label("//:WORKSPACE")

def _ledgerseal_shim_impl(rctx):
    # rctx.path on a label resolves (and, for a consumer, fetches) the
    # ledgerseal repository; its directory is the checkout's root.
    root = rctx.path(rctx.attr.root_file).dirname
    src = root
    for part in rctx.attr.dir.split("/"):
        src = src.get_child(part)
    if not src.exists:
        fail("ledgerseal shim directory %s does not exist" % src)

    # The repository's contents are symlinks into the checkout, entry by
    # entry (the shim's own WORKSPACE file names the repository).
    for entry in src.readdir():
        rctx.symlink(entry, entry.basename)

_ledgerseal_shim = repository_rule(
    implementation = _ledgerseal_shim_impl,
    attrs = {
        "dir": attr.string(
            mandatory = True,
            doc = "The shim's directory, relative to the ledgerseal checkout.",
        ),
        "root_file": attr.label(
            mandatory = True,
            allow_single_file = True,
            doc = "A file at the root of the ledgerseal checkout.",
        ),
    },
    # Re-run after every server start (cheap: a few symlinks), so a file
    # added to a shim directory shows up without `bazel sync`.
    local = True,
    doc = "A repository made of one of ledgerseal's third_party/ shims.",
)

def ledgerseal_deps():
    """Declares every external repository ledgerseal's BUILD files and Bazel's
    native rules need. Call it once, from WORKSPACE, after declaring
    @ledgerseal (a consumer) or from ledgerseal's own WORKSPACE.
    """

    # Forwards cc_* rules to Bazel's native ones (Debian's bazel-rules-cc is
    # too new for 4.2.3).
    _ledgerseal_shim(
        name = "rules_cc",
        dir = "third_party/rules_cc",
        root_file = _LEDGERSEAL_ROOT_FILE,
    )

    # Debian's bazel-rules-java package (an absolute path: the same for every
    # workspace on the machine).
    native.local_repository(
        name = "rules_java",
        path = "/usr/share/bazel/rules/java",
    )

    # Stub: Bazel references this repository for `bazel coverage` (and test
    # rules' implicit attributes) even when it is not used.
    _ledgerseal_shim(
        name = "remote_coverage_tools",
        dir = "third_party/remote_coverage_tools",
        root_file = _LEDGERSEAL_ROOT_FILE,
    )

    # The system protoc and libprotobuf, in the shape native proto rules
    # expect (--proto_compiler and --proto_toolchain_for_cc default to it).
    _ledgerseal_shim(
        name = "com_google_protobuf",
        dir = "third_party/protobuf",
        root_file = _LEDGERSEAL_ROOT_FILE,
    )
