import CallModel

/// Calls sorted, de-duplicated and given their history facts (repeat callers, lost-call
/// returns, cold outbound calls) once, for several figures over the same calls: the HTML
/// report and the dashboard's overview compute ten (the range, its previous period, by hour,
/// by day, heatmaps, outbound, lost calls, agents) from one read, and the history pass, which
/// interns every number, was most of their cost when each built its own (docs/performance.md
/// "Dashboard").
///
/// The facts do not depend on the range counted, so each figure may ask for its own range and
/// grouping; they do depend on the repeat and callback windows and on how unknown directions
/// count, so a figure whose options differ in those gets a history of its own (never a wrong
/// fact). The results equal ``MetricsEngine``'s entry points that take `calls:`.
public struct CallHistory: Sendable {
    let timeline: CallTimeline

    /// - Parameter options: the windows and direction setting of the figures to come; its range is not used.
    public init(calls: [Call], options: MetricsOptions) {
        timeline = CallTimeline(calls: calls, options: options, everyLostCall: true)
    }

    public var calls: [Call] { timeline.calls }

    /// The shared timeline when `options` computes facts the same way, else one of its own.
    func timeline(for options: MetricsOptions) -> CallTimeline {
        let shared = timeline.options
        if options.repeatWindow == shared.repeatWindow, options.callbackWindow == shared.callbackWindow,
           options.unknownDirectionIsInbound == shared.unknownDirectionIsInbound {
            return timeline
        }
        return CallTimeline(calls: timeline.calls, options: options)
    }
}

extension MetricsEngine {
    /// ``report(calls:groupBy:options:)`` over calls prepared once.
    public static func report(_ history: CallHistory, groupBy: GroupBy?, options: MetricsOptions) -> MetricsReport {
        report(history.timeline(for: options), groupBy: groupBy, options: options)
    }

    /// ``heatmap(calls:metric:direction:options:)`` over calls prepared once.
    public static func heatmap(_ history: CallHistory, metric: HeatmapMetric, direction: CallDirectionFilter?, options: MetricsOptions) -> Heatmap {
        heatmap(history.timeline(for: options), metric: metric, direction: direction, options: options)
    }

    /// ``lostCalls(calls:options:)`` over calls prepared once.
    public static func lostCalls(_ history: CallHistory, options: MetricsOptions) -> [LostCall] {
        lostCalls(history.timeline(for: options), options: options)
    }

    /// ``agentDaily(calls:options:totals:)`` over calls prepared once.
    public static func agentDaily(_ history: CallHistory, options: MetricsOptions, totals: Bool = false) -> [AgentDay] {
        agentDaily(history.timeline(for: options), options: options, totals: totals)
    }

    /// ``outboundAnswerRates(calls:options:)`` over calls prepared once.
    public static func outboundAnswerRates(_ history: CallHistory, options: MetricsOptions) -> OutboundAnswerRates {
        outboundAnswerRates(history.timeline(for: options), options: options)
    }

    /// ``campaignReport(calls:options:)`` over calls prepared once.
    public static func campaignReport(_ history: CallHistory, options: MetricsOptions) -> CampaignReport {
        campaignReport(history.timeline(for: options), options: options)
    }
}
