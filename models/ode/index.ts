export { odeint, ODE_METHODS, type OdeMethod, type OdeOptions, type OdeStats } from './odeint.js';
export { odeintAdjoint } from './adjoint.js';
export { makeGrid } from './fixed_grid.js';
export { DOPRI5, EULER, MIDPOINT, RK4, RK4_38, type Tableau } from './tableau.js';
