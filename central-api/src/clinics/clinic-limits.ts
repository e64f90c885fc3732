// What a clinic and its devices may be. The database checks the same lengths (see the migrations).
export const chartPolicies = ['lease', 'merge'] as const;
/** 'lease': a chart is locked to the clinic that checked the patient in; 'merge': no lockout, edits merge. */
export type ChartPolicy = (typeof chartPolicies)[number];

export const clinicLimits = {
  clinicNameCharactersMax: 200,
  deviceNameCharactersMax: 100,
  /** A clinic has a handful of tablets and desktops; far more means a script enrolling in a loop. */
  devicesPerClinicMax: 100,
};
