<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>Field</name>
    <message>
        <location filename="../../console/texts.py" line="41" />
        <source>injuries</source>
        <translation>人员受伤</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="42" />
        <source>vehicles_movable</source>
        <translation>车辆可移动</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="43" />
        <source>estimated_loss_cny</source>
        <translation>估损(元)</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="44" />
        <source>vehicles</source>
        <translation>车辆数</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="45" />
        <source>plates</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="46" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="47" />
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../../console/texts.py" line="32" />
        <source>Case</source>
        <translation>案件号</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="33" />
        <source>Age</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="34" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="35" />
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="36" />
        <source>Slip</source>
        <translation>警单摘要</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="37" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="38" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="39" />
        <source>Fix age</source>
        <translation>定位时效</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="40" />
        <source>Job</source>
        <translation>当前任务</translation>
    </message>
</context>
<context>
    <name>IncidentPanel</name>
    <message>
        <location filename="../../console/panels.py" line="47" />
        <source>Select an alert in the queue.</source>
        <translation>请在左侧队列中选择警单。</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="51" />
        <source>Not triaged yet: press T</source>
        <translation>尚未初分:按 T</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="52" />
        <source>No available guide</source>
        <translation>没有空闲的引导员</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="53" />
        <source>Case</source>
        <translation>案件号</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="53" />
        <source>Caller</source>
        <translation>报警人</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="54" />
        <source>Triage</source>
        <translation>初分</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="54" />
        <source>Recommended guides</source>
        <translation>推荐引导员</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="56" />
        <source>Keys: T triage · O override into the program · Enter dispatch #1 · 1–3 pick · P refer police · A refer 120 · C close</source>
        <translation>按键:T 初分 · O 改判纳入警保联动 · Enter 派第1推荐 · 1–3 选择 · P 移交交警 · A 移交120 · C 结案</translation>
    </message>
    <message>
        <location filename="../../console/panels.py" line="55" />
        <source>Assigned unit</source>
        <translation>已派单位</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/main_window.py" line="54" />
        <source>Jingbao Console</source>
        <translation>警保联动指挥台</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="54" />
        <source> — DEMO DATA</source>
        <translation> — 演示数据</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="123" />
        <location filename="../../console/main_window.py" line="242" />
        <source>Triage</source>
        <translation>初分</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="124" />
        <location filename="../../console/main_window.py" line="249" />
        <source>Override triage</source>
        <translation>改判初分</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="125" />
        <source>Dispatch recommended guide</source>
        <translation>派遣推荐引导员</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="127" />
        <source>Dispatch choice 1</source>
        <translation>派遣推荐1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="128" />
        <source>Dispatch choice 2</source>
        <translation>派遣推荐2</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="129" />
        <source>Dispatch choice 3</source>
        <translation>派遣推荐3</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="130" />
        <source>Refer to police</source>
        <translation>移交交警</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="132" />
        <source>Refer to 120</source>
        <translation>移交120</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="134" />
        <source>Close incident</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="135" />
        <source>Joint assignment of pending incidents</source>
        <translation>待派案件联合分配</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="136" />
        <source>Focus queue</source>
        <translation>焦点到警单队列</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="137" />
        <source>Mute sounds</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="236" />
        <source>Select an alert first</source>
        <translation>请先选择一条警单</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="250" />
        <source>Why does case %1 qualify despite the rules?</source>
        <translation>案件 %1 不符合规则,为何仍纳入警保联动?</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="252" />
        <source>Override</source>
        <translation>改判</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="257" />
        <source>No such recommendation</source>
        <translation>没有该推荐</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="259" />
        <location filename="../../console/main_window.py" line="289" />
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="274" />
        <source>No triaged incidents or no free guides</source>
        <translation>没有已初分的待派案件或没有空闲引导员</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="279" />
        <source>Late beyond 8 min: joint %1, one-by-one nearest %2; %3 min of lateness saved.</source>
        <translation>超过8分钟到场:联合分配 %1 起,逐一就近 %2 起;共减少超时 %3 分钟。</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="283" />
        <source>Joint assignment</source>
        <translation>联合分配</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="299" />
        <source>Refer</source>
        <translation>移交</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="302" />
        <source>Close</source>
        <translation>结案</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../map/view.py" line="92" />
        <source>DEMO DATA · synthetic roads</source>
        <translation>演示数据 · 合成路网</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../console/texts.py" line="12" />
        <source>New alert</source>
        <translation>新警单</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="13" />
        <source>Triaged</source>
        <translation>已初分</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="14" />
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="15" />
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="16" />
        <source>En route</source>
        <translation>赶赴中</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="17" />
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="18" />
        <source>Evidence collected</source>
        <translation>已取证</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="19" />
        <source>Claim filed</source>
        <translation>已报案理赔</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="20" />
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="21" />
        <source>Referred to police</source>
        <translation>移交交警</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="22" />
        <source>Referred to 120</source>
        <translation>移交120</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="23" />
        <source>Duplicate</source>
        <translation>重复警单</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="24" />
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="25" />
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="26" />
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="27" />
        <source>Busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <location filename="../../console/texts.py" line="28" />
        <source>Off duty</source>
        <translation>下班</translation>
    </message>
</context>
</TS>