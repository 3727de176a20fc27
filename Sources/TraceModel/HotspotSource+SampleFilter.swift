extension HotspotSource {
    /// The table perf report prints with its sample filters (`--cpu`, `--time`, `--comm`, `--pid`, `--tid`),
    /// and the samples it was built from (where its callchains are read). Only samples carry cpu, time and
    /// task per entry: for durations and event counts a non-empty filter is an error (nil).
    /// `parentPattern`: perf's `-p` for the `parent` key (samples only).
    public func table(keys: [HotspotKey]?, children: Bool, sampleFilter f: SampleFilter, parentPattern: ByteRegex? = nil)
        -> (table: HotspotTable, samples: StackSamples)? {
        guard case .samples(let all) = self else {
            return f.isEmpty ? (table(keys: keys, children: children), samples) : nil
        }
        let wide = all.filtered(f, tasks: false)
        let narrow = f.narrowsTasks ? wide.filtered(f) : wide
        var t = HotspotTable(samples: narrow, keys: keys ?? HotspotKey.defaults(for: .samples), children: children,
                             parentPattern: parentPattern)
        if f.narrowsTasks {
            // The percentages stay shares of every sample the cpu and time filters keep, as perf prints them.
            var weight: Int64 = 0, count = 0
            for i in 0..<wide.count where wide.stackStart[i + 1] > wide.stackStart[i] {
                weight &+= wide.sampleWeight[i]
                count += 1
            }
            t.setTotal(weight: weight, count: count)
        }
        return (t, narrow)
    }
}
