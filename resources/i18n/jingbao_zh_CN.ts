<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../console/actions.py" line="32"/>
        <source>Triage</source>
        <translation>初分</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="34"/>
        <source>Override triage</source>
        <translation>改判初分</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="36"/>
        <source>Dispatch recommended guide</source>
        <translation>派遣推荐引导员</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="38"/>
        <source>Dispatch choice 1</source>
        <translation>派遣推荐1</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="40"/>
        <source>Dispatch choice 2</source>
        <translation>派遣推荐2</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="42"/>
        <source>Dispatch choice 3</source>
        <translation>派遣推荐3</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="45"/>
        <source>Joint assignment of pending incidents</source>
        <translation>待派案件联合分配</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="47"/>
        <source>Refer to police</source>
        <translation>移交交警</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="49"/>
        <source>Refer to 120</source>
        <translation>移交120</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="51"/>
        <source>Merge into the likely duplicate</source>
        <translation>并入可能重复的案件</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="53"/>
        <source>Not a duplicate</source>
        <translation>不是重复</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="55"/>
        <source>Close incident…</source>
        <translation>结案…</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="57"/>
        <source>Reopen incident…</source>
        <translation>重新开案…</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="59"/>
        <source>Acknowledge breaches</source>
        <translation>确认超时</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="61"/>
        <source>Acknowledge emergency</source>
        <translation>确认紧急报警</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="63"/>
        <source>Map: all open incidents</source>
        <translation>地图:显示全部未结案件</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="65"/>
        <source>Save the map as PNG</source>
        <translation>地图另存为PNG</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="68"/>
        <source>Select each new alert as it comes</source>
        <translation>新警单到达时自动选中</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="70"/>
        <source>Show or hide ended cases</source>
        <translation>显示/隐藏已结案件</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="72"/>
        <source>Command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="74"/>
        <source>Focus queue</source>
        <translation>焦点到警单队列</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="76"/>
        <source>Mute sounds</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="78"/>
        <source>Larger text</source>
        <translation>放大文字</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="80"/>
        <source>Smaller text</source>
        <translation>缩小文字</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="82"/>
        <source>Map in its own window</source>
        <translation>地图单独成窗</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="84"/>
        <source>Night colours</source>
        <translation>夜间配色</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="86"/>
        <source>Replay today…</source>
        <translation>回放今日…</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="88"/>
        <source>KPI dashboard…</source>
        <translation>绩效看板…</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="90"/>
        <source>Users…</source>
        <translation>用户管理…</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="92"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="94"/>
        <source>Keyboard help</source>
        <translation>键盘帮助</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="99"/>
        <source>&amp;Console</source>
        <translation>控制台(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="100"/>
        <source>C&amp;ase</source>
        <translation>案件(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="101"/>
        <source>&amp;Radio</source>
        <translation>电台(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="102"/>
        <source>&amp;Map</source>
        <translation>地图(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="103"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="104"/>
        <source>R&amp;eview</source>
        <translation>复盘(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../console/actions.py" line="105"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>CommandBar</name>
    <message>
        <location filename="../../console/command_bar.py" line="34"/>
        <source>/d 1023 G07 dispatch · /s G07 av status · /r 1023 police refer · /m 1023 1019 merge · Tab</source>
        <translation>/d 1023 G07 派遣 · /s G07 av 状态 · /r 1023 police 移交 · /m 1023 1019 合并 · Tab 补全</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="153"/>
        <source>/d CASE UNIT — dispatch and page</source>
        <translation>/d 案件号 单位 — 派遣并呼叫</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="154"/>
        <source>/t CASE — triage</source>
        <translation>/t 案件号 — 初分</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="155"/>
        <source>/a CASE y|n — the caller&apos;s answer to the question</source>
        <translation>/a 案件号 y|n — 记录报警人对核实问题的回答</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="156"/>
        <source>/r CASE police|120 — refer</source>
        <translation>/r 案件号 police|120 — 移交</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="157"/>
        <source>/m CASE INTO — merge a duplicate alert</source>
        <translation>/m 案件号 并入案件号 — 合并重复警单</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="158"/>
        <source>/k CASE CASE — not a duplicate</source>
        <translation>/k 案件号 案件号 — 不是重复</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="159"/>
        <source>/c CASE HOW — close (settled, claim, police, left, no_accident)</source>
        <translation>/c 案件号 处理结果 — 结案(settled 现场协商 claim 理赔 police 交警接手 left 当事人已离开 no_accident 无事故)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="161"/>
        <source>/o CASE REASON — reopen a closed, referred or cancelled case</source>
        <translation>/o 案件号 理由 — 重开已结、已移交或已取消的案件</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="163"/>
        <source>/u CASE REASON — recall the guide (told by radio); send another</source>
        <translation>/u 案件号 理由 — 撤回派遣(电台通知引导员),可改派</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="165"/>
        <source>/s UNIT av|bz|br|off — set a unit&apos;s status (available, busy, on break, off duty)</source>
        <translation>/s 单位 av|bz|br|off — 设置单位状态(空闲/忙/休息/下班)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="167"/>
        <source>/p UNIT TEXT|#N — page a unit (#1… canned)</source>
        <translation>/p 单位 文字|#编号 — 呼叫单位(#1…常用语)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="168"/>
        <source>/g ZONE|all TEXT|#N — page a group</source>
        <translation>/g 服务区|all 文字|#编号 — 群呼</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="169"/>
        <source>/map FLEET/ID UNIT — register a radio id</source>
        <translation>/map 队号/台号 单位 — 登记电台编号</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="170"/>
        <source>/f UNIT — follow a unit on the map</source>
        <translation>/f 单位 — 地图跟随单位</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="171"/>
        <source>/z — the map shows every open incident (stops following)</source>
        <translation>/z — 地图显示全部未结案件(停止跟随)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="173"/>
        <source>/poll UNIT — ask a unit&apos;s radio for its position</source>
        <translation>/poll 单位 — 查询单位当前位置</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="174"/>
        <source>/find CASE|PLATE|UNIT|ADDRESS — find and show</source>
        <translation>/find 案件号|车牌|单位|地址 — 查找并定位</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="177"/>
        <source>A command starts with /, e.g. /d 1023 G07</source>
        <translation>命令以 / 开头,例如 /d 1023 G07</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="179"/>
        <source>Unknown command %1; known: %2</source>
        <translation>未知命令 %1;可用:%2</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="181"/>
        <source>Unknown %1: %2</source>
        <translation>未知%1 %2</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="182"/>
        <source>No canned message %1; known: %2</source>
        <translation>没有常用语 %1;可用:%2</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="186"/>
        <source>case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="187"/>
        <source>unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="188"/>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="189"/>
        <source>referral target</source>
        <translation>移交对象</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="190"/>
        <source>group</source>
        <translation>群组</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="191"/>
        <source>radio id</source>
        <translation>电台编号</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="192"/>
        <source>answer (y or n)</source>
        <translation>回答(y 或 n)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="193"/>
        <source>way a case ends</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="204"/>
        <source>Usage: %1</source>
        <translation>用法:%1</translation>
    </message>
</context>
<context>
    <name>Disposition</name>
    <message>
        <location filename="../../console/texts.py" line="40"/>
        <source>Settled on the spot</source>
        <translation>现场处理完毕</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="41"/>
        <source>Insurance claim filed</source>
        <translation>已报保险理赔</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="42"/>
        <source>Taken over by traffic police</source>
        <translation>交警接手处理</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="43"/>
        <source>Parties had left</source>
        <translation>当事人已离开</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="44"/>
        <source>No accident (false call)</source>
        <translation>无事故(误报)</translation>
    </message>
</context>
<context>
    <name>Field</name>
    <message>
        <location filename="../../console/texts.py" line="58"/>
        <source>injuries</source>
        <translation>人员受伤</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="59"/>
        <source>vehicles_movable</source>
        <translation>车辆可移动</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="60"/>
        <source>estimated_loss_cny</source>
        <translation>估损(元)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="61"/>
        <source>vehicles</source>
        <translation>车辆数</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="62"/>
        <source>plates</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="63"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="64"/>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../console/texts.py" line="48"/>
        <source>Case</source>
        <translation>案件号</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="49"/>
        <source>Age</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="50"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="51"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="52"/>
        <source>Slip</source>
        <translation>警单摘要</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="53"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="54"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="55"/>
        <source>Insurer</source>
        <translation>保险公司</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="56"/>
        <source>Fix age</source>
        <translation>定位时效</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="57"/>
        <source>Job</source>
        <translation>当前任务</translation>
    </message>
</context>
<context>
    <name>IncidentPanel</name>
    <message>
        <location filename="../../console/panels.py" line="86"/>
        <source>Ask the caller</source>
        <translation>请向报警人核实</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="88"/>
        <source>Triage will ask the caller</source>
        <translation>初分将向报警人核实</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="91"/>
        <source>Answer with /a %1 y or /a %1 n (yes or no to the question as asked)</source>
        <translation>回答:/a %1 y(是)或 /a %1 n(否),按问题原意回答</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="101"/>
        <source>Select an alert in the queue.</source>
        <translation>请在左侧队列中选择警单。</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="105"/>
        <source>Not triaged yet: press T</source>
        <translation>尚未初分:按 T</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="106"/>
        <source>No available guide</source>
        <translation>没有空闲的引导员</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="107"/>
        <source>Case</source>
        <translation>案件号</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="107"/>
        <source>Caller</source>
        <translation>报警人</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="108"/>
        <source>Triage</source>
        <translation>初分</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="108"/>
        <source>Recommended guides</source>
        <translation>推荐引导员</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="110"/>
        <source>Likely duplicate of (M merge · K not a duplicate)</source>
        <translation>可能重复(M 合并 · K 不是重复)</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="114"/>
        <source>Duplicate of</source>
        <translation>重复于</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="114"/>
        <source>Merged alerts</source>
        <translation>已合并警单</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="119"/>
        <source>Keys: T triage · O override into the program · Enter dispatch #1 · 1–3 pick · P refer police · A refer 120 · C close · J joint · / command line · F1 help</source>
        <translation>按键:T 初分 · O 改判纳入 · Enter 派第1推荐 · 1–3 选择 · P 移交交警 · A 移交120 · C 结案 · J 联合分配 · / 命令行 · F1 帮助</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="138"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="109"/>
        <source>Assigned unit</source>
        <translation>已派单位</translation>
    </message>
</context>
<context>
    <name>KpiDashboard</name>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="61"/>
        <source>KPI dashboard</source>
        <translation>指标看板</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="68"/>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="68"/>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="69"/>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="74"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="75"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="106"/>
        <source>Reading %1 — %2…</source>
        <translation>正在读取 %1 — %2…</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="124"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../console/kpi_dashboard.py" line="136"/>
        <source>Could not read the range: %1</source>
        <translation>无法读取该时段:%1</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../console/login_dialog.py" line="30"/>
        <source>Log in to the center</source>
        <translation>登录指挥中心</translation>
    </message>
    <message>
        <location filename="../../console/login_dialog.py" line="36"/>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../console/login_dialog.py" line="37"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/app.py" line="127"/>
        <location filename="../../console/app.py" line="145"/>
        <location filename="../../console/main_window.py" line="91"/>
        <source>Jingbao Console</source>
        <translation>警保联动指挥台</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="127"/>
        <source>This console&apos;s hub stopped (exit code %1); see the log. The window closes.</source>
        <translation>本机的中心服务已停止(退出码 %1),详见日志。窗口将关闭。</translation>
    </message>
    <message>
        <location filename="../../console/app.py" line="145"/>
        <source>Another console or hub already serves %1. Connect to it with --hub URL, or stop it first.</source>
        <translation>已有其他控制台或中心服务正在使用 %1。请用 --hub 地址连接它,或先停止它。</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="91"/>
        <source> — DEMO DATA</source>
        <translation> — 演示数据</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="139"/>
        <source>Distance: %1 m</source>
        <translation>距离:%1 米</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="153"/>
        <source>Hold to talk (PTT)</source>
        <translation>按住讲话(PTT)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="155"/>
        <source>Keys the radio while held; needs --voice</source>
        <translation>按住时电台发射;需要配置 --voice</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="182"/>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="191"/>
        <source>Alarm volume</source>
        <translation>报警音量</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="195"/>
        <location filename="../../console/main_window.py" line="348"/>
        <source>Sound on</source>
        <translation>声音开</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="208"/>
        <source>Queue</source>
        <translation>警单队列</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="209"/>
        <source>Incident</source>
        <translation>警情详情</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="211"/>
        <source>Units</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="212"/>
        <source>Radio log</source>
        <translation>电台日志</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="512"/>
        <location filename="../../console/main_window.py" line="649"/>
        <source>Triage</source>
        <translation>初分</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="656"/>
        <source>Override triage</source>
        <translation>改判初分</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="523"/>
        <source>Refer to police</source>
        <translation>移交交警</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="525"/>
        <location filename="../../console/main_window.py" line="725"/>
        <source>Close incident</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="645"/>
        <source>Not a duplicate</source>
        <translation>不是重复</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="770"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="505"/>
        <source>Keyboard help</source>
        <translation>键盘帮助</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="298"/>
        <source>New alerts are selected as they come</source>
        <translation>新警单到达时将自动选中并在地图上显示</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="300"/>
        <source>New alerts wait in the queue</source>
        <translation>新警单在队列中等待处理</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="306"/>
        <source>Ended cases shown at the bottom</source>
        <translation>已结案件显示在队列底部</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="307"/>
        <source>Ended cases hidden</source>
        <translation>已隐藏已结案件</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="348"/>
        <source>Muted</source>
        <translation>已静音</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="369"/>
        <source>Log #%1 · %2</source>
        <translation>日志链 #%1 · %2</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="371"/>
        <source>Head of the event log&apos;s hash chain; compare with `jingbao audit verify`: %1</source>
        <translation>事件日志哈希链头;可与 `jingbao audit verify` 的结果核对:%1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="387"/>
        <source>EMERGENCY from %1 — Ctrl+E to acknowledge</source>
        <translation>紧急报警:%1 — 按 Ctrl+E 确认</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="392"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="401"/>
        <source>8 minutes passed without arrival: case %1 — Ctrl+B to acknowledge</source>
        <translation>超过8分钟未到场:案件 %1 — 按 Ctrl+B 确认</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="481"/>
        <source>Select an alert first</source>
        <translation>请先选择一条警单</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="498"/>
        <source>Canned pages (/p G07 #2):</source>
        <translation>常用语(/p G07 #2):</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="514"/>
        <source>Dispatch %1 (ETA %2 min)</source>
        <translation>派遣 %1(约 %2 分钟)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="519"/>
        <source>Page %1 again</source>
        <translation>再次呼叫 %1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="520"/>
        <source>Page</source>
        <translation>呼叫</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="527"/>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="540"/>
        <source>Case %1</source>
        <translation>案件 %1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="580"/>
        <source>%1 is registered to radio %2. Register it to radio %3 instead?</source>
        <translation>%1 现登记电台 %2。改登记为电台 %3 吗?</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="582"/>
        <source>Register radio</source>
        <translation>登记电台</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="596"/>
        <source>Nothing found for %1</source>
        <translation>没有找到 %1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="615"/>
        <source>Map saved to %1</source>
        <translation>地图已保存到 %1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="621"/>
        <location filename="../../console/main_window.py" line="631"/>
        <source>Review</source>
        <translation>复盘</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="622"/>
        <source>The replay and the dashboard read the center&apos;s database, which this workstation was not given: start the console with --db URL, or set db in config.toml.</source>
        <translation>回放和绩效看板要读取中心数据库,但本工作站未配置数据库:请用 --db URL 启动控制台,或在 config.toml 中设置 db。</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="633"/>
        <source>Opening…</source>
        <translation>正在打开…</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="638"/>
        <source>No likely duplicate</source>
        <translation>没有可能重复的案件</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="640"/>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="657"/>
        <source>Why does case %1 qualify despite the rules?</source>
        <translation>案件 %1 不符合规则,为何仍纳入警保联动?</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="660"/>
        <source>Override</source>
        <translation>改判</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="665"/>
        <source>No such recommendation</source>
        <translation>没有该推荐</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="667"/>
        <location filename="../../console/main_window.py" line="675"/>
        <location filename="../../console/main_window.py" line="695"/>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="674"/>
        <source>Dispatching %1 to case %2</source>
        <translation>正在派遣 %1 前往案件 %2</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="681"/>
        <source>No triaged incidents or no free guides</source>
        <translation>没有已初分的待派案件或没有空闲引导员</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="686"/>
        <source>Late beyond 8 min: joint %1, one-by-one nearest %2; %3 min of lateness saved.</source>
        <translation>超过8分钟到场:联合分配 %1 起,逐一就近 %2 起;共减少超时 %3 分钟。</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="690"/>
        <source>Joint assignment</source>
        <translation>联合分配</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="713"/>
        <location filename="../../console/main_window.py" line="717"/>
        <source>Refer</source>
        <translation>移交</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="713"/>
        <source>Refer case %1: %2?</source>
        <translation>将案件 %1 %2?</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="726"/>
        <source>How did case %1 end?</source>
        <translation>案件 %1 如何结案?</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="728"/>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="737"/>
        <source>Reopen incident</source>
        <translation>重新开案</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="738"/>
        <source>Why reopen case %1?</source>
        <translation>为何重开案件 %1?</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="740"/>
        <source>Reopen</source>
        <translation>重开</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="771"/>
        <source>%1 incident(s) are still open. Quit this console anyway?</source>
        <translation>还有 %1 起警情未结。仍要退出本席位吗?</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../map/view.py" line="128"/>
        <source>DEMO DATA · synthetic roads</source>
        <translation>演示数据 · 合成路网</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="130"/>
        <source>DEMO DATA · OpenStreetMap roads</source>
        <translation>演示数据 · OpenStreetMap 真实路网</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="176"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="180"/>
        <source>Basemap</source>
        <translation>底图</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="180"/>
        <source>Land</source>
        <translation>陆地</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="181"/>
        <source>History hot spots</source>
        <translation>历史热点</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="182"/>
        <source>Service zones</source>
        <translation>服务区</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="182"/>
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="183"/>
        <source>Duty posts</source>
        <translation>执勤点</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="183"/>
        <source>Incidents</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="184"/>
        <location filename="../../map/view.py" line="225"/>
        <source>Units</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="184"/>
        <source>Trails</source>
        <translation>轨迹</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="185"/>
        <source>Unit names</source>
        <translation>单位名称</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="219"/>
        <source>running</source>
        <translation>计时</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="220"/>
        <source>6-minute warning</source>
        <translation>6分钟预警</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="221"/>
        <source>breach</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="222"/>
        <source>drag a unit onto a case to dispatch</source>
        <translation>拖动单位到案件即派遣</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="224"/>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="225"/>
        <source>faded = old fix</source>
        <translation>淡色=定位陈旧</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="226"/>
        <source>emergency</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../map/view.py" line="227"/>
        <source>Rings: 8-minute clock</source>
        <translation>环 8分钟时钟</translation>
    </message>
</context>
<context>
    <name>MapWindow</name>
    <message>
        <location filename="../../console/map_window.py" line="34"/>
        <source>The map is in its own window (Ctrl+Shift+M brings it back).</source>
        <translation>地图已在单独窗口中(按 Ctrl+Shift+M 收回)。</translation>
    </message>
    <message>
        <location filename="../../console/map_window.py" line="58"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
</context>
<context>
    <name>RadioLogPanel</name>
    <message>
        <location filename="../../console/panels.py" line="166"/>
        <source>Filter by unit or port</source>
        <translation>按单位或端口筛选</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="167"/>
        <source>Raw frames</source>
        <translation>原始帧</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="199"/>
        <source>Unknown radios (map with /map): </source>
        <translation>未登记电台(用 /map 登记):</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <location filename="../../console/texts.py" line="90"/>
        <source>Case %1 cannot go from %2 to %3</source>
        <translation>案件 %1 不能从「%2」转为「%3」</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="92"/>
        <source>Case %1 changed meanwhile (now %2): look again before acting</source>
        <translation>案件 %1 已被他人处理(现为「%2」),请查看后再操作</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="94"/>
        <source>No unit %1</source>
        <translation>没有单位 %1</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="95"/>
        <source>No case %1</source>
        <translation>没有案件 %1</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="96"/>
        <source>An override needs a reason</source>
        <translation>改判纳入须填写理由</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="97"/>
        <source>Answer %1 is neither yes nor no</source>
        <translation>回答「%1」不是 是/否</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="99"/>
        <source>Case %1 has no open question; triage it first</source>
        <translation>案件 %1 没有待核实的问题,请先初分</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="101"/>
        <source>A case cannot be merged into itself</source>
        <translation>案件不能合并到自身</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="103"/>
        <source>Case %1 is %2, not open</source>
        <translation>案件 %1 为「%2」,已不在处理中</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="105"/>
        <source>%1 is %2, not available</source>
        <translation>%1 为「%2」,不可派遣</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="107"/>
        <source>Status %1 is set by the job, not by hand</source>
        <translation>状态「%1」由出警流程设置,不能手动设置</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="109"/>
        <source>%1 is on case %2: close or refer it first</source>
        <translation>%1 正在处理案件 %2:请先结案或移交</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="111"/>
        <source>%1 has no emergency to acknowledge</source>
        <translation>%1 没有需要确认的紧急报警</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="113"/>
        <source>Radio %1 already belongs to %2</source>
        <translation>电台 %1 已登记给 %2</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="115"/>
        <source>Case %1 is %2: no guide on the way to recall</source>
        <translation>案件 %1 为「%2」,没有在途引导员可撤回</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="117"/>
        <source>A recall needs a reason (the guide is told it)</source>
        <translation>撤回派遣须填写理由(会通过电台告知引导员)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="119"/>
        <source>The text is %1 characters; a radio page takes at most %2</source>
        <translation>文字共 %1 字,电台呼叫最多 %2 字</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="121"/>
        <source>“%1” is not how a case ends; one of: %2</source>
        <translation>“%1”不是结案方式,可选:%2</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="123"/>
        <source>Case %1 is %2: only a closed, referred or cancelled case can be reopened</source>
        <translation>案件 %1 当前为%2:只有已结案、已移交或已取消的案件可以重开</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="126"/>
        <source>Reopening needs a reason (it stays in the case&apos;s timeline)</source>
        <translation>重开需填写原因(记入案件时间线)</translation>
    </message>
</context>
<context>
    <name>ReplayWindow</name>
    <message>
        <location filename="../../console/replay_window.py" line="68"/>
        <source>Day replay</source>
        <translation>当日回放</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="68"/>
        <source> — DEMO DATA</source>
        <translation> — 演示数据</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="114"/>
        <location filename="../../console/replay_window.py" line="355"/>
        <location filename="../../console/replay_window.py" line="369"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="121"/>
        <source>Follow: nobody</source>
        <translation>跟随:无</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="126"/>
        <source>◀ Event</source>
        <translation>◀ 上一事件</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="127"/>
        <source>Event ▶</source>
        <translation>下一事件 ▶</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="143"/>
        <source>Open incidents at this moment (8-minute clock)</source>
        <translation>此刻未结警情(8分钟计时)</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="144"/>
        <source>Milestones (click to jump)</source>
        <translation>处置节点(点击跳转)</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="158"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="167"/>
        <source>Play / pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="168"/>
        <source>Next event</source>
        <translation>下一事件</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="169"/>
        <source>Previous event</source>
        <translation>上一事件</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="170"/>
        <source>One minute on</source>
        <translation>前进一分钟</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="171"/>
        <source>One minute back</source>
        <translation>后退一分钟</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="172"/>
        <source>Faster</source>
        <translation>加速</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="173"/>
        <source>Slower</source>
        <translation>减速</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="174"/>
        <source>Start of the range</source>
        <translation>回到开始</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="175"/>
        <source>End of the range</source>
        <translation>跳到结束</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="176"/>
        <source>Close replay</source>
        <translation>关闭回放</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="194"/>
        <source>Loading the day…</source>
        <translation>正在加载当日数据…</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="223"/>
        <source>Loading cancelled</source>
        <translation>已取消加载</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="225"/>
        <source>Loading failed: %1</source>
        <translation>加载失败:%1</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="236"/>
        <source>%1 fixes, %2 events, %3 incidents</source>
        <translation>定位 %1 条,事件 %2 条,警情 %3 起</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="314"/>
        <source> (stopped)</source>
        <translation>(已停止)</translation>
    </message>
    <message>
        <location filename="../../console/replay_window.py" line="355"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../console/texts.py" line="16"/>
        <source>New alert</source>
        <translation>新警单</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="17"/>
        <source>Triaged</source>
        <translation>已初分</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="18"/>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="19"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="20"/>
        <source>En route</source>
        <translation>赶赴中</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="21"/>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="22"/>
        <source>Evidence collected</source>
        <translation>已取证</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="23"/>
        <source>Claim filed</source>
        <translation>已报案理赔</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="24"/>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="25"/>
        <source>Referred to police</source>
        <translation>移交交警</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="26"/>
        <source>Referred to 120</source>
        <translation>移交120</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="27"/>
        <source>Duplicate</source>
        <translation>重复警单</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="28"/>
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="29"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="30"/>
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="31"/>
        <source>Busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="32"/>
        <source>Off duty</source>
        <translation>下班</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="33"/>
        <source>On break</source>
        <translation>休息中</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="34"/>
        <source>Returning to post</source>
        <translation>返回岗点</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="35"/>
        <source>EMERGENCY</source>
        <translation>紧急报警</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="36"/>
        <source>GPS stuck</source>
        <translation>GPS卡滞</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <location filename="../../console/users_dialog.py" line="33"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="35"/>
        <location filename="../../console/users_dialog.py" line="45"/>
        <source>User</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="35"/>
        <location filename="../../console/users_dialog.py" line="47"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="36"/>
        <location filename="../../console/users_dialog.py" line="48"/>
        <source>Insurer</source>
        <translation>保险公司</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="36"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="46"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="50"/>
        <source>Add</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="50"/>
        <source>Set password</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="51"/>
        <source>Set role</source>
        <translation>设置角色</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="52"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="53"/>
        <source>Enable</source>
        <translation>启用账号</translation>
    </message>
    <message>
        <location filename="../../console/users_dialog.py" line="103"/>
        <source>%1: done</source>
        <translation>%1:已完成</translation>
    </message>
</context>
</TS>
