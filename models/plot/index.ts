// Plots as SVG strings, with a writer of our own: learned activations and training history.
export { activationCurves, learnedActivationWidth, type ActivationCurves, type CurveOptions } from './activations.js';
export { plotActivations, plotHistory, robustExtent, type PlotActivationsOptions, type HistoryRecord } from './figures.js';
export { figure, drawPanel, escapeXml, extent, fmt, linearScale, niceTicks, SvgDocument, PALETTE, type Panel, type Series, type Point, type FigureOptions } from './svg.js';
