import Foundation
import Testing

/// One bash shell in a private tmux server, driven by keys and read back as text.
///
/// Each session starts its own server on the socket `tracetui-e2e-<uuid>` (`tmux -L`), so neither the user's tmux
/// nor another test's session is ever touched, and `close()` (or deinit) kills that server and everything in it.
/// The shell is `bash --norc --noprofile` with `TERM=xterm-256color` and `SWIFT_BACKTRACE=interactive=no` (a
/// crashing debug binary would otherwise wait 30 s for a key on its backtrace prompt).
final class TmuxSession {
    let socket: String
    private(set) var width: Int
    private(set) var height: Int
    private var closed = false
    /// The pane's shell, which leads the terminal session that everything typed into it runs in.
    private var shellPid: pid_t = 0
    /// The server's socket file, which `kill-server` leaves behind.
    private var socketPath = ""
    /// Numbers each `ttymodes` call, so an old marker still on screen is never mistaken for a new one.
    var checks = 0
    private static let target = "e2e"

    init(width: Int = 120, height: Int = 40) throws {
        socket = "tracetui-e2e-\(UUID().uuidString)"
        self.width = width
        self.height = height
        let shell = "env -u NO_COLOR -u TMUX TERM=xterm-256color SWIFT_BACKTRACE=interactive=no "
            + "PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile"
        try Tmux.run([
            "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", Self.target,
            "-x", String(width), "-y", String(height), "-c", Fixture.packageRoot.path, shell,
        ])
        let facts = try Tmux.run([
            "-L", socket, "display-message", "-p", "-t", Self.target, "#{pane_pid}\n#{socket_path}",
        ]).split(separator: "\n").map(String.init)
        shellPid = facts.first.flatMap { pid_t($0) } ?? 0
        socketPath = facts.count > 1 ? facts[1] : ""
        // `ttymodes N` prints the terminal's line-discipline modes as `TTY:<mode>` lines, then `TTY-END-N`;
        // the typed command never contains that marker, so it can only come from the output.
        try run(
            "ttymodes() { stty -a | tr ' ;' '\\n\\n' | grep -E -x -- '-?(icanon|echo|onlcr|isig)' "
                + "| sed 's/^/TTY:/'; echo \"TTY-END-$1\"; }; clear")
    }

    deinit { close() }

    /// Kills this session's tmux server and removes its socket file, then whatever outlived it in the pane's terminal session (an orphaned
    /// `swift-backtrace` left by a crash test, a stopped job), each by its pid.
    func close() {
        guard !closed else { return }
        closed = true
        _ = try? Tmux.run(["-L", socket, "kill-server"])
        if socketPath.hasSuffix("/" + socket) {
            unlink(socketPath)
        }
        guard shellPid > 1 else { return }
        for pid in Self.processes(inSession: shellPid) {
            kill(pid, SIGKILL)
        }
    }

    /// The processes whose session id (field 6 of `/proc/PID/stat`) is `session`.
    static func processes(inSession session: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let commEnd = stat.lastIndex(of: ")")
            else { return nil }
            // after "pid (comm)": state ppid pgrp session …
            let fields = stat[stat.index(after: commEnd)...].split(separator: " ")
            return fields.count > 3 && pid_t(fields[3]) == session ? pid : nil
        }
    }

    /// Sends tmux key names (`j`, `Enter`, `Escape`, `NPage`, `C-c`, `?`).
    func send(_ keys: String...) throws {
        try Tmux.run(["-L", socket, "send-keys", "-t", Self.target] + keys)
    }

    /// Types `text` literally, character by character, with no key-name interpretation.
    func type(_ text: String) throws {
        try Tmux.run(["-L", socket, "send-keys", "-t", Self.target, "-l", text])
    }

    /// Types a shell command line and presses Enter.
    func run(_ commandLine: String) throws {
        try type(commandLine)
        try send("Enter")
    }

    /// Resizes the window, as a user resizing their terminal (the app gets SIGWINCH).
    func resize(width: Int, height: Int) throws {
        try Tmux.run([
            "-L", socket, "resize-window", "-t", Self.target, "-x", String(width), "-y", String(height),
        ])
        self.width = width
        self.height = height
    }

    /// The pane as plain text (`capture-pane -p`).
    func screen() throws -> ScreenText {
        ScreenText(plain: try Tmux.run(["-L", socket, "capture-pane", "-p", "-t", Self.target]))
    }

    /// The pane as plain text plus a capture with colours, to tell which row is highlighted.
    func styledScreen() throws -> ScreenText {
        let plain = try Tmux.run(["-L", socket, "capture-pane", "-p", "-t", Self.target])
        let styled = try Tmux.run(["-L", socket, "capture-pane", "-p", "-e", "-t", Self.target])
        return ScreenText(plain: plain, styled: styled)
    }

    /// Polls the screen every 50 ms until `condition` holds, and returns that screen. On timeout it throws with
    /// `what` and the last screen seen, which is usually all one needs to see what went wrong.
    @discardableResult
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(10), styled: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (ScreenText) -> Bool
    ) async throws -> ScreenText {
        let deadline = ContinuousClock.now + timeout
        while true {
            let screen = styled ? try styledScreen() : try screen()
            if condition(screen), let settled = try await settle(screen, styled: styled, condition) { return settled }
            if ContinuousClock.now >= deadline {
                throw E2EError(
                    "timed out after \(timeout) waiting for \(what)\n--- last screen (\(width)x\(height)) ---\n"
                        + screen.text + "\n---", at: sourceLocation)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A capture can catch a frame half written: once the condition holds, the screen is read again until two
    /// reads agree (a live screen that never stops changing gives its latest read that still holds).
    private func settle(_ first: ScreenText, styled: Bool, _ condition: (ScreenText) -> Bool) async throws -> ScreenText? {
        var last = first
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(40))
            let again = styled ? try styledScreen() : try screen()
            guard condition(again) else { return nil }
            if again.text == last.text { return again }
            last = again
        }
        return last
    }

    /// Waits until `text` is on screen.
    @discardableResult
    func waitFor(
        _ text: String, timeout: Duration = .seconds(10), styled: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ScreenText {
        try await waitUntil("\"\(text)\"", timeout: timeout, styled: styled, sourceLocation: sourceLocation) {
            $0.contains(text)
        }
    }
}
