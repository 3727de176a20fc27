import Foundation
import Testing

/// Running tracetui in the session's shell and checking how it left the terminal.
extension TmuxSession {
    /// Clears the screen and types `tracetui ARGS…; echo "EXIT=$?"` into bash.
    func launch(_ arguments: String...) throws {
        let words = ([try Fixture.binary()] + arguments).map(shellQuoted).joined(separator: " ")
        try run("clear; \(words); echo \"EXIT=$?\"")
    }

    /// Waits for the `EXIT=<n>` line the launch command prints after tracetui ends.
    func exitStatus(
        timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Int {
        let screen = try await waitUntil("tracetui to exit (an EXIT=<n> line)", timeout: timeout,
                                         sourceLocation: sourceLocation) { $0.exitStatus != nil }
        return screen.exitStatus ?? -1
    }

    /// Types `ttymodes N` (`stty -a`, filtered) into the shell and returns the modes it printed, e.g.
    /// `["icanon", "echo", "onlcr", "isig"]`, or `-icanon` for a terminal left in raw mode.
    func terminalModes(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Set<String> {
        checks += 1
        let marker = "TTY-END-\(checks)"
        try run("clear; ttymodes \(checks)")
        let screen = try await waitUntil("the output of `stty -a`", sourceLocation: sourceLocation) {
            $0.lines.contains { $0.trimmingCharacters(in: .whitespaces) == marker }
        }
        return Set(screen.words(after: "TTY:"))
    }

    /// Presses `q`, then checks what a user would: tracetui exited with 0 and the shell's terminal is back in
    /// cooked mode with echo.
    func quitAndExpectRestoredTerminal(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try send("q")
        let status = try await exitStatus(sourceLocation: sourceLocation)
        #expect(status == 0, "tracetui exited with \(status) after q", sourceLocation: sourceLocation)
        expectRestored(try await terminalModes(sourceLocation: sourceLocation), sourceLocation: sourceLocation)
    }
}

/// Expects `stty -a` to show a terminal in the state a shell needs: canonical input and echo on.
func expectRestored(_ modes: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(modes.contains("icanon") && !modes.contains("-icanon"),
            "terminal left without icanon: \(modes.sorted())", sourceLocation: sourceLocation)
    #expect(modes.contains("echo") && !modes.contains("-echo"),
            "terminal left without echo: \(modes.sorted())", sourceLocation: sourceLocation)
}

extension TmuxSession {
    /// Runs tracetui under `sh` rather than bash and returns the file its pid will be written to.
    ///
    /// bash restores the terminal itself after a job dies of a signal, which would hide a terminal left in raw
    /// mode; `sh` does not. The script records the pid (`exec` keeps it), then prints `EXIT=<n>`, the `stty -a`
    /// modes as `TTY:<mode>` lines and `TTY-END-sh`. `trap : INT` keeps the script alive through a Ctrl-C aimed
    /// at tracetui (a trap, unlike an ignored signal, is not inherited across exec).
    func launchUnderSh(_ arguments: String..., in directory: String, environment: [String: String] = [:]) throws -> String {
        let pidFile = (directory as NSString).appendingPathComponent("tracetui.pid")
        let script = (directory as NSString).appendingPathComponent("run.sh")
        let env = environment.isEmpty ? [] : ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = ([pidFile] + env + [try Fixture.binary()] + arguments).map(shellQuoted).joined(separator: " ")
        let text = """
            trap : INT
            sh -c 'echo $$ > "$1"; shift; exec "$@"' sh \(command)
            echo "EXIT=$?"
            stty -a | tr ' ;' '\\n\\n' | grep -E -x -- '-?(icanon|echo|onlcr|isig)' | sed 's/^/TTY:/'
            echo "TTY-END-$((6*7))"

            """
        try text.write(toFile: script, atomically: true, encoding: .utf8)
        try run("clear; sh \(shellQuoted(script))")
        return pidFile
    }

    /// The pid written by `launchUnderSh`, once the file exists.
    func pid(from pidFile: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> pid_t {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw E2EError("no pid in \(pidFile)", at: sourceLocation)
    }

    /// Waits for the script of `launchUnderSh` to finish and returns tracetui's exit status, the terminal
    /// modes `stty -a` showed afterwards and the final screen.
    func shOutcome(timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (status: Int, modes: Set<String>, screen: ScreenText)
    {
        let screen = try await waitUntil("the sh script to finish (TTY-END-42)", timeout: timeout,
                                         sourceLocation: sourceLocation) {
            $0.lines.contains { $0.trimmingCharacters(in: .whitespaces) == "TTY-END-42" }
        }
        return (screen.exitStatus ?? -1, Set(screen.words(after: "TTY:")), screen)
    }
}
