import Vapor

/// An offline WeChat: the browser pages of open.weixin.qq.com and the JSON APIs of api.weixin.qq.com.
public enum WeChatSandbox {}
