import CallModel
import Foundation
import Testing
@testable import CallMetrics

@Suite struct HeatmapTests {
    /// Monday 2024-06-03 09:00Z is 10:00 BST.
    static let calls: [Call] = {
        let t = Fixture.monday
        func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
        return [
            Fixture.call("a", at(0), .answered, wait: 10, talk: 5, caller: "+447700900001"),
            Fixture.call("b", at(60), .answered, wait: 25, talk: 5, caller: "+447700900002"),
            Fixture.call("c", at(120), .abandoned, wait: 30, caller: "+447700900003"),
            Fixture.call("d", at(3599), .noAnswer, wait: 30, caller: "+447700900004"),
            Fixture.call("e", at(3600), .answered, wait: 4, talk: 5, caller: "201", dialed: "+447700900009", direction: .outbound),
            // Sunday 2024-06-09 23:30 BST
            Fixture.call("f", Timestamp(year: 2024, month: 6, day: 9, hour: 22, minute: 30, second: 0), .busy, caller: "+447700900005"),
        ]
    }()

    static func grid(_ metric: HeatmapMetric, _ direction: CallDirectionFilter?) -> Heatmap {
        MetricsEngine.heatmap(calls: calls, metric: metric, direction: direction, options: Fixture.options(Fixture.london))
    }

    @Test func shapeIsMondayFirstSevenByTwentyFour() {
        let h = Self.grid(.volume, nil)
        #expect(h.cells.count == 7 && h.cells.allSatisfy { $0.count == 24 })
        #expect(Heatmap.weekdays.first == "Mon")
        #expect(h.cells.joined().map(\.calls).reduce(0, +) == 6)
    }

    @Test func volume() {
        let h = Self.grid(.volume, nil)
        #expect(h.cell(weekday: 0, hour: 10) == HeatmapCell(calls: 4, answered: 2, waitSamples: 2, value: 4))
        #expect(h.cell(weekday: 0, hour: 11).value == 1)
        #expect(h.cell(weekday: 6, hour: 23).value == 1)
        #expect(h.cell(weekday: 3, hour: 3) == HeatmapCell(calls: 0, answered: 0, waitSamples: 0, value: 0))
    }

    @Test func answerRateAndASAWithDirection() {
        let inbound = Self.grid(.answerRate, .inbound)
        #expect(inbound.cell(weekday: 0, hour: 10).value == 0.5)
        #expect(inbound.cell(weekday: 0, hour: 11).value == nil)  // only an outbound call there
        #expect(inbound.cell(weekday: 6, hour: 23).value == 0)
        let asa = Self.grid(.asa, .inbound)
        #expect(asa.cell(weekday: 0, hour: 10).value == 17.5)
        #expect(asa.cell(weekday: 6, hour: 23).value == nil)
        let outbound = Self.grid(.answerRate, .outbound)
        #expect(outbound.cell(weekday: 0, hour: 11) == HeatmapCell(calls: 1, answered: 1, waitSamples: 1, value: 1))
        #expect(outbound.cells.joined().map(\.calls).reduce(0, +) == 1)
    }
}

@Suite struct AgentTests {
    @Test func perAgentPerDay() {
        let t = Fixture.monday  // 10:00 BST
        func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
        let calls = [
            Fixture.call("in1", at(600), .answered, wait: 10, talk: 60, caller: "+447700900001", agent: "201"),
            Fixture.call("in2", at(1200), .noAnswer, wait: 30, caller: "+447700900002", agent: "201"),
            Fixture.call("in3", at(1300), .answered, wait: 30, talk: 30, caller: "+447700900003", agent: "201"),
            Fixture.call("out1", at(3900), .answered, wait: 6, talk: 90, caller: "201", dialed: "+447700900004", direction: .outbound, agent: "201"),
            Fixture.call("out2", at(5400), .noAnswer, wait: 20, caller: "201", dialed: "+447700900005", direction: .outbound, agent: "201"),
            // next local day (00:30 BST Tuesday)
            Fixture.call("in4", Timestamp(year: 2024, month: 6, day: 3, hour: 23, minute: 30, second: 0), .answered, wait: 2, talk: 60,
                         caller: "+447700900006", agent: "201"),
            Fixture.call("in5", at(100), .answered, wait: 5, talk: 120, caller: "+447700900007", agent: "202"),
            Fixture.call("int", at(200), .answered, wait: 1, talk: 60, caller: "201", dialed: "202", direction: .internal, agent: "202"),
            Fixture.call("none", at(300), .answered, wait: 1, talk: 60, caller: "+447700900008"),
        ]
        let days = MetricsEngine.agentDaily(calls: calls, options: Fixture.options(Fixture.london))
        #expect(days == [
            AgentDay(agent: "201", day: "2024-06-03", inboundReceived: 2, inboundMissed: 1, outboundAnswered: 1,
                     outboundNotAnswered: 1, talkMinutes: 3, asaSeconds: 20, activeHours: 2, callsPerHour: 2),
            AgentDay(agent: "201", day: "2024-06-04", inboundReceived: 1, inboundMissed: 0, outboundAnswered: 0,
                     outboundNotAnswered: 0, talkMinutes: 1, asaSeconds: 2, activeHours: 1, callsPerHour: 1),
            AgentDay(agent: "202", day: "2024-06-03", inboundReceived: 1, inboundMissed: 0, outboundAnswered: 0,
                     outboundNotAnswered: 0, talkMinutes: 2, asaSeconds: 5, activeHours: 1, callsPerHour: 1),
        ])
    }
}

@Suite struct OutboundTests {
    @Test func coldVersusFollowUpAndBestTime() {
        let t = Fixture.monday  // 10:00 BST
        func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
        func out(_ id: String, _ s: Double, _ outcome: CallOutcome, _ number: String, _ agent: String?) -> Call {
            Fixture.call(id, at(s), outcome, wait: 10, talk: 30, caller: agent ?? "299", dialed: number, direction: .outbound, agent: agent)
        }
        let calls = [
            out("p1", -86_400, .noAnswer, "+447700900001", "201"),  // history: makes p2 a follow-up
            out("p2", 0, .answered, "+447700900001", "201"),
            out("q1", 60, .answered, "+447700900002", "202"),
            out("r1", 3600, .noAnswer, "+447700900003", "201"),
            out("r2", 3660, .answered, "+44 7700 900003", "201"),
            out("s1", 3700, .busy, "+447700900004", nil),
            Fixture.call("in", at(100), .answered, wait: 1, talk: 1),  // inbound: ignored
        ]
        let rates = MetricsEngine.outboundAnswerRates(calls: calls, options: Fixture.options(Fixture.london, from: t))
        #expect(rates.cold == AnswerCount(calls: 3, answered: 1))  // q1, r1, s1
        #expect(rates.followUp == AnswerCount(calls: 2, answered: 2))  // p2, r2
        #expect(rates.cold.rate == 1.0 / 3.0 && rates.followUp.rate == 1)
        #expect(rates.heatmap.cell(weekday: 0, hour: 10) == HeatmapCell(calls: 2, answered: 2, waitSamples: 2, value: 1))
        #expect(rates.heatmap.cell(weekday: 0, hour: 11).value == 1.0 / 3.0)
        #expect(rates.heatmap.cell(weekday: 0, hour: 12).value == nil)
        #expect(rates.agents.map(\.agent) == ["201", "202", "(none)"])
        #expect(rates.agents[0].cold == AnswerCount(calls: 1, answered: 0))
        #expect(rates.agents[0].followUp == AnswerCount(calls: 2, answered: 2))
        #expect(rates.agents[0].heatmap.cell(weekday: 0, hour: 11).value == 0.5)
        #expect(rates.agents[1].cold == AnswerCount(calls: 1, answered: 1))
        #expect(rates.agents[2].cold.rate == 0)
    }
}
