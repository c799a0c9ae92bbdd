import Foundation

/// Test vectors from spec §12 (and a few derived with `shared/spec/vectors/verify.py`'s functions).
enum MessageServerFixtures {
    /// The official WXBizMsgCrypt sample (§12.2).
    enum Official {
        static let encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
        static let keyHex = "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051"
        static let token = "pamtest"
        static let timestamp = "1409304348"
        static let nonce = "xxxxxx"
        static let appID = "wxb11529c136998cb6"
        static let random = Array("aaaabbbbccccdddd".utf8)
        static let plainSignature = "76480565cbe296026c53aaacd1ad523a1ddba24f"

        static let messageA = "我是中文abcd123"
        static let encryptA = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
        static let signatureA = "82c962d39941aa48552f90ef55aa323dc620cc10"
        static let layoutA = "6161616162626262636363636464646400000013e68891e698afe4b8ade6968761626364313233777862313135323963313336393938636236"

        static let messageB = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>"
        static let encryptB = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"
        static let signatureB = "ea88b765074e41eb8c7a75b449db34fa2fd560d5"

        static let messageC = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjuEGTNoeX76QEjQNrcURxG8]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>"
        static let encryptC = "jn1L23DB+6ELqJ+6bruv27f6bJLdOO8Vu+tLTnsEt+BiE7YjyucHVl/2NZjShtalfYC0c5x3qHZiCnWtXdElnQnbcXfdM0nra+7/Ma0Z9UVHIdYyKIjoMdFnW3DkWoVdb6LUVfKvebXpSMB+SbGB3MVJ2n9OQl3zzkqFboHaU6BHLwEUiUNv7YFmBikNmkBDt0W0D1maPtb6C5tDOMvJgaYOaNs/4F406bZ5qxcJm60I/q7FgHmnjQk7H+lvTVxRT5i448UuiHsC7JwPdej5L9KnZGz2hbiOmYxUIxCRjBdEt8tT/6c+3l/Fl73ryPSsM6moFWsaUo6NjGblb4XnxOFTSZHII5zTCwTPZDVgzzRbCMXLd06j/MAxAs6wUcLhyIrZP2zcWlrvu1i75EfOzChfV8LYZpe4FzPjEswyosQ="
        static let queryC = "signature=76480565cbe296026c53aaacd1ad523a1ddba24f&timestamp=1409304348&nonce=xxxxxx&openid=oia2TjuEGTNoeX76QEjQNrcURxG8&encrypt_type=aes&msg_signature=374855fbb139c5077209c09e52eb5babb199aee5"
        static let bodyC = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[\(encryptC)]]></Encrypt></xml>"

        /// `messageA` sealed for AppID `wx0000000000000000` (derived), and its msg_signature.
        static let encryptWrongAppID = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmk3M6xf3vxpStqOdXP372qiDyZvZrJMhUHIxDRiUyvISA=="
        static let signatureWrongAppID = "747f80e9da44432aceea41ab70d6359244e49f69"
        /// 26 bytes of `x`: a 64-byte layout, padded to 96 (derived).
        static let encryptEdge = "jn1L23DB+6ELqJ+6bruv2whn1fDIMpmLPYOiQU5ZlCf5ISusdxHOJKY4l/VvGZXv1gdIWBk2mReXBoyRsZWbYWp3WTghbH/zS/0xHsPUs416Ez/Wti2iAH72px6IwxBl"
    }

    /// Another valid key (§12.3, wechatpy component tests), used as the previous key in rotation tests.
    enum Rotation {
        static let encodingAESKey = "yguy3495y79o34vod7843933902h9gb2834hgpB90rg"
        static let keyHex = "ca0bb2df8f79cbbf68df8be877bf38dfddf7f74da1f606f6f37e2182907dd2b8"
        /// `Official.messageC` sealed with this key (derived), and its msg_signature (pamtest/1409304348/xxxxxx).
        static let encryptC = "qgTa056xAedsY/VW6ByJLS2fC4A+yeVJPDDBK11RMFtISyu73BH84qPbUQoeGB6Q63TaDeWZ0Lspql8hPbPssYQolCdYPNko+9b2CrKWqznxtW1WvUStAeNfPZLOqBv43UTkqf5N73Xe1Ahy0EJ0MXlC+bNNOTkczQqBbrdLPZz3+EoGMNlCX6ruOKR85Ks8HbYOEuAHUvE5DWpskCJ/Ft3T7NNu4Lbc2TzdK3FqquhsDaHQbfOyX3IDWWQ0qVWlaWydL9GF8O1J3Xxb9Ze8eGFlCaiY7JrBI7UoZxWWPeV/n72JocNY3IP2YRcrpJTppQEaNCbEFClZCQhNpWAzbOt6vlRJEHNMjc+2GLQhfW3RV/GcqZZbIicZ4hFMLfZH3bDSwQ4v0wRnLdsfjYIj3LSn9949o+DXeT/3bSclxew="
        static let signatureC = "b71e8895a64e453f4b27f4f703c3d20aa688b571"
    }

    /// wechatpy's crypto vectors (§12.3).
    enum Wechatpy {
        static let encodingAESKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
        static let keyHex = "916c4f115d94103cb15a998f74a0b71787603c398ebdf297d471a71140d2d5a4"
        static let token = "123456"
        static let appID = "wx49f0ab532d5d035a"
        static let encrypt1 = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
        static let signature1 = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
        static let timestamp2 = "1411525903"
        static let nonce2 = "461056294"
        static let signature2 = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
        static let encrypt2 = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
        static let replyRandom = Array("1234567890123456".utf8)
        static let reply = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
        static let replyEncrypt = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
        static let replySignature = "407518b7649e86ef23978113f92d27afa9296533"
    }

    static func date(_ unixSeconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(unixSeconds))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
