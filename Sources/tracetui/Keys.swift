import ArgumentParser
import TraceTUI

/// `tracetui keys`: the key table in Markdown, the same list the `?` screen shows (docs/keys.md holds it).
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the key bindings as a Markdown table.")

    func run() {
        print(Keymap.standard.markdownTable)
    }
}
