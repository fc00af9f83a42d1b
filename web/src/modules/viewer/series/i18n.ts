/** Words of the series tools (序列管理, 配准, 图像拼接, 序列预览, 快捷键), zh-CN first. */
export const seriesMessages = {
  'zh-CN': {
    split: '手动拆分', newSeries: '新增序列', registration: '配准', stitch: '图像拼接', series: '序列管理',
    splitTitle: '手动拆分序列', splitSeries: '序列', splitAt: '拆分位置（第一部分到第几张）', splitHint: '将生成两个新序列：第 1–{a} 张（{a} 张）和第 {b}–{n} 张（{c} 张），原序列保留。',
    splitDone: '已拆分为两个新序列', newSeriesTitle: '将当前窗口影像新增为序列', newSeriesCount: '当前窗口共 {n} 张影像',
    newSeriesDesc: '序列描述', newSeriesDone: '已新增序列', noSeries: '请先在窗口中显示一个序列', noImages: '当前窗口没有影像',
    working: '正在处理…', ok: '确定', cancel: '取消', close: '关闭',
    reg: {
      title: '配准', fixed: '参考序列', moving: '浮动序列', pick: '选择浮动序列', auto: '自动配准', metric: '相似度',
      ncc: '归一化互相关（同模态）', mi: '互信息（跨模态）', save: '保存配准', clear: '清除配准', reload: '读取上次结果', reset: '复位',
      browse: '浏览', manual: '手动调整', drag: '拖动平移', rotate: '拖动旋转', params: '配准参数', tx: '平移 X (mm)', ty: '平移 Y (mm)', tz: '平移 Z (mm)',
      rx: '旋转 X (°)', ry: '旋转 Y (°)', rz: '旋转 Z (°)', opacity: '融合透明度', fusion: '融合', sideBySide: '并排', orientation: '方向',
      saved: '配准结果已保存', cleared: '配准结果已清除', loaded: '已读取最近一次配准结果（{when}）', none: '尚无保存的配准结果',
      running: '正在自动配准…', done: '自动配准完成（相似度 {score}）', needVolume: '配准需要两个连续断层序列（至少 3 张）',
      noOther: '当前检查没有可配准的其他序列', scroll: '滚轮翻页，右键缩放，中键平移', method: { auto: '自动', manual: '手动' },
    },
    st: {
      title: '图像拼接', choose: '选择影像（按拼接顺序，至少 2 幅）', direction: '拼接方向', vertical: '纵向', horizontal: '横向',
      overlap: '重叠（像素）', blend: '融合', linear: '线性融合', none: '不融合', rotate: '旋转 (°)', scale: '缩放', dx: '水平平移', dy: '垂直平移',
      up: '上移', down: '下移', remove: '移除', exportDicom: '导出到检查（DICOM）', exportPng: '导出 PNG', exported: '拼接图像已存入检查',
      needTwo: '请至少选择 2 幅影像', onlyXray: '只有 CR、DR、DX 影像可以拼接', noImages: '当前检查没有 CR、DR、DX 影像', loading: '正在读取影像…',
      preview: '预览', window: '窗宽/窗位', sameStudy: '拼接的影像须来自同一检查',
    },
    preview: {
      title: '序列预览', hint: '左键上下拖动翻页，右键上下拖动缩放，中键拖动调窗', view: '切换视图', axial: '横断面', coronal: '冠状面', sagittal: '矢状面', stack: '原始图像',
    },
    hotkeys: { title: '快捷键', action: '功能', key: '按键', press: '点击后按下按键', clear: '清除', conflict: '与「{other}」重复', groups: { tools: '工具', window: '窗宽窗位', view: '视图', layout: '布局', measure: '测量', annotate: '标注', series: '序列', other: '其他' } },
    annotation: { deleteConfirm: '删除该标注？', deleted: '标注已删除', confirm: '确认' },
  },
  en: {
    split: 'Split', newSeries: 'New series', registration: 'Registration', stitch: 'Stitching', series: 'Series',
    splitTitle: 'Split the series', splitSeries: 'Series', splitAt: 'First part ends at image', splitHint: 'Two new series: images 1–{a} ({a}) and {b}–{n} ({c}); the original stays.',
    splitDone: 'Split into two new series', newSeriesTitle: 'New series from the current window', newSeriesCount: '{n} images in the window',
    newSeriesDesc: 'Description', newSeriesDone: 'New series added', noSeries: 'Show a series in a window first', noImages: 'No image in the window',
    working: 'Working…', ok: 'OK', cancel: 'Cancel', close: 'Close',
    reg: {
      title: 'Registration', fixed: 'Fixed series', moving: 'Moving series', pick: 'Choose the moving series', auto: 'Auto register', metric: 'Metric',
      ncc: 'Normalized cross-correlation', mi: 'Mutual information', save: 'Save', clear: 'Clear', reload: 'Load last', reset: 'Reset',
      browse: 'Browse', manual: 'Manual', drag: 'Drag to move', rotate: 'Drag to rotate', params: 'Parameters', tx: 'Shift X (mm)', ty: 'Shift Y (mm)', tz: 'Shift Z (mm)',
      rx: 'Rotate X (°)', ry: 'Rotate Y (°)', rz: 'Rotate Z (°)', opacity: 'Fusion opacity', fusion: 'Fusion', sideBySide: 'Side by side', orientation: 'Orientation',
      saved: 'Registration saved', cleared: 'Registration cleared', loaded: 'Last registration loaded ({when})', none: 'No saved registration',
      running: 'Registering…', done: 'Registered (score {score})', needVolume: 'Registration needs two volumes (3+ slices)',
      noOther: 'No other series to register in this study', scroll: 'Wheel: page, right: zoom, middle: pan', method: { auto: 'auto', manual: 'manual' },
    },
    st: {
      title: 'Stitching', choose: 'Images in stitching order (2 or more)', direction: 'Direction', vertical: 'Vertical', horizontal: 'Horizontal',
      overlap: 'Overlap (px)', blend: 'Blend', linear: 'Linear', none: 'None', rotate: 'Rotate (°)', scale: 'Scale', dx: 'Pan x', dy: 'Pan y',
      up: 'Up', down: 'Down', remove: 'Remove', exportDicom: 'Export to study (DICOM)', exportPng: 'Export PNG', exported: 'Stitched image stored in the study',
      needTwo: 'Choose at least 2 images', onlyXray: 'Only CR, DR and DX images can be stitched', noImages: 'No CR, DR or DX image in this study', loading: 'Loading images…',
      preview: 'Preview', window: 'Window', sameStudy: 'Images must be of one study',
    },
    preview: {
      title: 'Series preview', hint: 'Left drag: page, right drag: zoom, middle drag: W/L', view: 'Switch view', axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal', stack: 'Original',
    },
    hotkeys: { title: 'Hotkeys', action: 'Action', key: 'Key', press: 'Click, then press a key', clear: 'Clear', conflict: 'Same as “{other}”', groups: { tools: 'Tools', window: 'Window', view: 'View', layout: 'Layout', measure: 'Measure', annotate: 'Annotate', series: 'Series', other: 'Other' } },
    annotation: { deleteConfirm: 'Delete this annotation?', deleted: 'Annotation deleted', confirm: 'Confirm' },
  },
}
