/// SIP messages the tests feed to decoders and parsers.
public enum SIPSamples {
    /// An INVITE as SIPp's built-in uac scenario sends it, with an SDP offer (PCMA) and a
    /// display name and number with visual separators in From.
    public static let invite = """
        INVITE sip:+15550100@127.0.0.1:5060 SIP/2.0\r
        Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1-0\r
        From: "Alice" <sip:+44-20-7946-0001@127.0.0.1:5061>;tag=1SIPpTag001\r
        To: <sip:+15550100@127.0.0.1:5060>\r
        Call-ID: 1-4242@127.0.0.1\r
        CSeq: 1 INVITE\r
        Contact: sip:sipp@127.0.0.1:5061\r
        Max-Forwards: 70\r
        Content-Type: application/sdp\r
        Content-Length:   129\r
        \r
        v=0\r
        o=user1 53655765 2353687637 IN IP4 127.0.0.1\r
        s=-\r
        c=IN IP4 127.0.0.1\r
        t=0 0\r
        m=audio 6000 RTP/AVP 8\r
        a=rtpmap:8 PCMA/8000\r

        """

    /// `invite` as bytes.
    public static let inviteBytes = Array(invite.utf8)
}
