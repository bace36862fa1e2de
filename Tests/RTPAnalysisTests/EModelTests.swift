import Testing
@testable import RTPAnalysis

@Suite("Simplified E-model")
struct EModelTests {
    @Test("Loss-free G.711 with low jitter scores about 4.4", arguments: ["PCMU", "PCMA/8000", "pcmu/8000"])
    func lossFreeG711(codec: String) throws {
        let mos = try #require(EModel.mos(codec: codec, lossPercent: 0, jitterMilliseconds: 2))
        // R = 93.2: 1 + 0.035·93.2 + 93.2·33.2·6.8·7e-6 = 4.409.
        #expect(abs(mos - 4.409) < 0.001)
    }

    @Test func decreasesWithLoss() throws {
        let losses = [0.0, 0.5, 1, 2, 5, 10, 20, 50]
        let scores = try losses.map { try #require(EModel.mos(codec: "PCMU", lossPercent: $0, jitterMilliseconds: 5)) }
        for (better, worse) in zip(scores, scores.dropFirst()) { #expect(better > worse) }
    }

    @Test func fivePercentRandomLossOnG711() throws {
        // Ie,eff = 95·5/(5 + 25.1) = 15.78, R = 77.4, MOS 3.92: "satisfied" users in G.107 Table B.1 terms.
        let mos = try #require(EModel.mos(codec: "PCMA", lossPercent: 5, jitterMilliseconds: 5))
        #expect(mos > 3.85 && mos < 4.0)
    }

    @Test func g729AndG722() throws {
        // G.729: Ie 11 → R 82.2, MOS 4.10; G.722 is scored as narrowband G.711.
        let g729 = try #require(EModel.mos(codec: "G729/8000", lossPercent: 0, jitterMilliseconds: 2))
        #expect(abs(g729 - 4.104) < 0.002)
        #expect(EModel.mos(codec: "G722/8000", lossPercent: 0, jitterMilliseconds: 2) == EModel.mos(codec: "PCMU", lossPercent: 0, jitterMilliseconds: 2))
        // G.729 degrades faster with loss (Bpl 19 < 25.1).
        let g729Lossy = try #require(EModel.mos(codec: "G729", lossPercent: 5, jitterMilliseconds: 2))
        let g711Lossy = try #require(EModel.mos(codec: "PCMU", lossPercent: 5, jitterMilliseconds: 2))
        #expect(g729Lossy < g711Lossy)
    }

    @Test func jitterAddsDelayImpairment() throws {
        let calm = try #require(EModel.mos(codec: "PCMU", lossPercent: 0, jitterMilliseconds: 10))
        let jittery = try #require(EModel.mos(codec: "PCMU", lossPercent: 0, jitterMilliseconds: 100))
        // Ta = 200 + 20 + 30 = 250 ms: Idd ≈ 8.9, R ≈ 84.3, MOS ≈ 4.18.
        #expect(abs(calm - 4.409) < 0.001)
        #expect(abs(jittery - 4.18) < 0.01)
        #expect(EModel.delayImpairment(oneWayMilliseconds: 100) == 0)
        #expect(EModel.delayImpairment(oneWayMilliseconds: 200) > 2.9 && EModel.delayImpairment(oneWayMilliseconds: 200) < 3.2)
        #expect(EModel.delayImpairment(oneWayMilliseconds: 400) > EModel.delayImpairment(oneWayMilliseconds: 200))
    }

    @Test func unknownCodecsAndBadInputs() {
        #expect(EModel.mos(codec: nil, lossPercent: 0, jitterMilliseconds: 0) == nil)
        #expect(EModel.mos(codec: "opus/48000/2", lossPercent: 0, jitterMilliseconds: 0) == nil)
        #expect(EModel.mos(codec: "PCMU", lossPercent: .nan, jitterMilliseconds: 0) == nil)
        // Duplicates can make loss negative: it counts as none.
        #expect(EModel.mos(codec: "PCMU", lossPercent: -3, jitterMilliseconds: 2) == EModel.mos(codec: "PCMU", lossPercent: 0, jitterMilliseconds: 2))
    }

    @Test func mosClampsR() {
        #expect(EModel.mos(rFactor: -10) == 1)
        #expect(EModel.mos(rFactor: 120) == 4.5)
        #expect(EModel.mos(rFactor: 0) == 1)
        #expect(abs(EModel.mos(rFactor: 50) - 2.575) < 0.001)
    }
}
