/// Test vectors of spec §12.2 (official WXBizMsgCrypt sample) and §12.3 (wechatpy).
enum PushVectors {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    static let token = "pamtest"
    static let timestamp = "1409304348"
    static let nonce = "xxxxxx"
    static let appID = "wxb11529c136998cb6"
    static let random = Array("aaaabbbbccccdddd".utf8)

    static let plaintextA = "我是中文abcd123"
    static let encryptA = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="

    static let plaintextB = """
        <xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>
        """
    static let encryptB = """
        jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb
        """

    static let plaintextC = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>"
    static let encryptC = """
        jn1L23DB+6ELqJ+6bruv27f6bJLdOO8Vu+tLTnsEt+BiE7YjyucHVl/2NZjShtalfYC0c5x3qHZiCnWtXdElnQnbcXfdM0nra+7/Ma0Z9UVHIdYyKIjoMdFnW3DkWoVdb6LUVfKvebXpSMB+SbGB3MVJ2n9OQl3zzkqFboHaU6BHLwEUiUNv7YFmBikNmkBDt0W0D1maPtb6C5tDOMvJgaYOaNs/4F406bZ5qxcJm60I/q7FgHmnjQk7H+lvTVxRT5i448UuiHsC7JwPdej5L9KnZGz2hbiOmYxUIxCRjBdEt8tT/6c+3l/Fl73ryPSsM6moFWsaUo6NjGblb4XnxOFTSZHII5zTCwTPZDVgzzRbCMXLd06j/MAxAs6wUcLhyIrZP2zcWlrvu1i75EfOzChfV8LYZpe4FzPjEswyosQ=
        """
    static let queryC = "signature=76480565cbe296026c53aaacd1ad523a1ddba24f&timestamp=1409304348&nonce=xxxxxx&openid=oia2TjuEGTNoeX76QEjQNrcURxG8&encrypt_type=aes&msg_signature=374855fbb139c5077209c09e52eb5babb199aee5"

    // §12.3 wechatpy
    static let wechatpyKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
    static let wechatpyToken = "123456"
    static let wechatpyAppID = "wx49f0ab532d5d035a"
    static let encrypt1 = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
    static let encrypt2 = """
        RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=
        """
    static let replyPlaintext = """
        <xml>
        <MsgType><![CDATA[text]]></MsgType>
        <Content><![CDATA[test]]></Content>
        <FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
        <ToUserName><![CDATA[messense]]></ToUserName>
        <AgentID>1</AgentID>
        <CreateTime>1411525903</CreateTime>
        </xml>
        """
    static let replyEncrypt = """
        9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3
        """
    static let replyMsgSignature = "407518b7649e86ef23978113f92d27afa9296533"
    static let replyTimestamp = "1411525903"
    static let replyNonce = "461056294"
}
