print("wechat-login")
