// The vital-sign catalogue: every measurement a nurse records, its unit and the range a living patient can
// plausibly show. A value outside the range is a typing or unit mistake (37 typed as 370, kg as lb) and is
// rejected with an error naming the field; the range is wide on purpose (neonates to adults, the very sick).

export interface VitalSignDefinition {
  readonly label: string;
  readonly unit: string;
  readonly plausibleMin: number;
  readonly plausibleMax: number;
  /** Whether only whole numbers make sense (beats, breaths, mmHg, percent). */
  readonly integer: boolean;
}

export const systolicMmHgMin = 50;
export const systolicMmHgMax = 300;
export const diastolicMmHgMin = 20;
export const diastolicMmHgMax = 200;
export const pulseBpmMin = 20;
export const pulseBpmMax = 250;
export const temperatureCelsiusMin = 30;
export const temperatureCelsiusMax = 45;
export const respiratoryRatePerMinuteMin = 4;
export const respiratoryRatePerMinuteMax = 100;
export const spo2PercentMin = 50;
export const spo2PercentMax = 100;
export const weightKgMin = 0.3;
export const weightKgMax = 350;
export const heightCmMin = 20;
export const heightCmMax = 250;
/** Mid-upper arm circumference in millimetres, as on the MUAC tape (malnutrition cut-offs 115 and 125 mm). */
export const muacMmMin = 60;
export const muacMmMax = 500;
export const bloodGlucoseMmolPerLMin = 0.5;
export const bloodGlucoseMmolPerLMax = 60;

export const vitalSigns = {
  systolicMmHg: { label: 'Systolic blood pressure', unit: 'mmHg', plausibleMin: systolicMmHgMin, plausibleMax: systolicMmHgMax, integer: true },
  diastolicMmHg: { label: 'Diastolic blood pressure', unit: 'mmHg', plausibleMin: diastolicMmHgMin, plausibleMax: diastolicMmHgMax, integer: true },
  pulseBpm: { label: 'Pulse', unit: 'beats/min', plausibleMin: pulseBpmMin, plausibleMax: pulseBpmMax, integer: true },
  temperatureCelsius: { label: 'Temperature', unit: '°C', plausibleMin: temperatureCelsiusMin, plausibleMax: temperatureCelsiusMax, integer: false },
  respiratoryRatePerMinute: { label: 'Respiratory rate', unit: 'breaths/min', plausibleMin: respiratoryRatePerMinuteMin, plausibleMax: respiratoryRatePerMinuteMax, integer: true },
  spo2Percent: { label: 'SpO2', unit: '%', plausibleMin: spo2PercentMin, plausibleMax: spo2PercentMax, integer: true },
  weightKg: { label: 'Weight', unit: 'kg', plausibleMin: weightKgMin, plausibleMax: weightKgMax, integer: false },
  heightCm: { label: 'Height', unit: 'cm', plausibleMin: heightCmMin, plausibleMax: heightCmMax, integer: false },
  muacMm: { label: 'Mid-upper arm circumference', unit: 'mm', plausibleMin: muacMmMin, plausibleMax: muacMmMax, integer: true },
  bloodGlucoseMmolPerL: { label: 'Blood glucose', unit: 'mmol/L', plausibleMin: bloodGlucoseMmolPerLMin, plausibleMax: bloodGlucoseMmolPerLMax, integer: false },
} as const satisfies Record<string, VitalSignDefinition>;

export type VitalSign = keyof typeof vitalSigns;

/** The catalogue's keys in a fixed order (validation reports the first problem in this order). */
export const vitalSignKeys = Object.keys(vitalSigns) as VitalSign[];

/** One set of measurements taken together; at least one is present. */
export type VitalSignMeasurements = Partial<Record<VitalSign, number>>;
