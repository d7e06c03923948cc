// What Phoebus 4.7 (v4.7.4) reads from a .bob file, for the widget types our displays use: each
// type's persisted properties and its current version. Written from Phoebus's display model sources
// (app/display/model/.../model/Widget.java, VisibleWidget, PVWidget, MacroWidget and each widget's
// defineProperties; plots/StripchartWidget.java and PlotWidgetProperties.java for the nested
// axis and trace structures). A property Phoebus does not know is silently dropped when it loads
// the file, and a version older than the widget's own runs its legacy converter (which is how
// `<time_range>` used to be read), so both are checked.

const BASE = ['name', 'class', 'x', 'y', 'width', 'height', 'actions', 'rules', 'scripts'];
const VISIBLE = [...BASE, 'visible', 'tooltip'];
const WITH_PV = [...VISIBLE, 'pv_name', 'border_alarm_sensitive'];
const WITH_MACROS = [...VISIBLE, 'macros'];
const ALIGNMENT = ['horizontal_alignment', 'vertical_alignment'];
const CONFIRM = ['show_confirm_dialog', 'confirm_message', 'password'];

export interface WidgetSchema {
  readonly version: string;
  readonly properties: readonly string[];
}

export const WIDGETS: Readonly<Record<string, WidgetSchema>> = {
  label: {
    version: '2.0.0',
    properties: [
      ...WITH_MACROS,
      'text',
      'font',
      'foreground_color',
      'background_color',
      'transparent',
      ...ALIGNMENT,
      'rotation_step',
      'auto_size',
      'wrap_words',
    ],
  },
  group: {
    version: '3.0.0',
    properties: [...WITH_MACROS, 'style', 'font', 'foreground_color', 'line_color', 'background_color', 'transparent', 'widget'],
  },
  bool_button: {
    version: '2.0.0',
    properties: [
      ...WITH_PV,
      'bit',
      'off_label',
      'off_color',
      'off_image',
      'on_label',
      'on_color',
      'on_image',
      'show_led',
      'font',
      'foreground_color',
      'background_color',
      ...ALIGNMENT,
      'labels_from_pv',
      'enabled',
      'mode',
      ...CONFIRM,
    ],
  },
  textupdate: {
    version: '2.0.0',
    properties: [
      ...WITH_PV,
      'font',
      'foreground_color',
      'background_color',
      'transparent',
      'format',
      'precision',
      'show_units',
      ...ALIGNMENT,
      'wrap_words',
      'rotation_step',
      'interactive',
    ],
  },
  textentry: {
    version: '3.0.0',
    properties: [
      ...WITH_PV,
      'font',
      'foreground_color',
      'background_color',
      'format',
      'precision',
      'show_units',
      ...ALIGNMENT,
      'enabled',
      'wrap_words',
      'multi_line',
    ],
  },
  spinner: {
    version: '2.0.0',
    properties: [
      ...WITH_PV,
      'font',
      'format',
      'precision',
      'show_units',
      'foreground_color',
      'background_color',
      'minimum',
      'maximum',
      'limits_from_pv',
      'increment',
      'buttons_on_left',
      'enabled',
      ...ALIGNMENT,
    ],
  },
  combo: {
    version: '2.0.0',
    properties: [...WITH_PV, 'font', 'foreground_color', 'background_color', 'items', 'items_from_pv', 'editable', 'enabled', ...CONFIRM],
  },
  action_button: {
    version: '3.0.0',
    properties: [...WITH_PV, 'text', 'font', 'foreground_color', 'background_color', 'transparent', ...ALIGNMENT, 'rotation_step', 'enabled', ...CONFIRM],
  },
  stripchart: {
    version: '2.1.0',
    properties: [
      ...VISIBLE,
      'foreground_color',
      'background_color',
      'show_grid',
      'title',
      'title_font',
      'label_font',
      'scale_font',
      'show_toolbar',
      'show_legend',
      'start',
      'end',
      'y_axes',
      'traces',
    ],
  },
  xyplot: {
    version: '3.0.0',
    properties: [
      ...VISIBLE,
      'foreground_color',
      'background_color',
      'title',
      'title_font',
      'show_toolbar',
      'show_legend',
      'x_axis',
      'y_axes',
      'traces',
      'marker',
    ],
  },
};

const AXIS = ['title', 'autoscale', 'log_scale', 'minimum', 'maximum', 'show_grid', 'title_font', 'scale_font', 'visible'];

/**
 * The members of the structured properties our displays use: plots' axes and traces, a write_pv
 * action. A trace is the XY plot's (PlotWidgetProperties.TraceWidgetProperty); the strip chart's
 * own trace has a subset of those members.
 */
export const STRUCTURES: Readonly<Record<string, readonly string[]>> = {
  x_axis: AXIS,
  y_axis: [...AXIS, 'on_right', 'color'],
  trace: ['name', 'x_pv', 'y_pv', 'err_pv', 'axis', 'trace_type', 'color', 'line_width', 'line_style', 'point_type', 'point_size', 'visible'],
  write_pv: ['pv_name', 'value', 'description'],
};

/** What the display element itself holds. */
export const DISPLAY_PROPERTIES = ['name', 'macros', 'width', 'height', 'background_color', 'widget'];
