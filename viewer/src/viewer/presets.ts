/** CT window presets on the number keys 1–8 (width/center in HU), as common reading stations offer them. */
export interface WindowPreset {
  key: string;
  label:
    'presetBrain' | 'presetSubdural' | 'presetStroke' | 'presetLung' | 'presetMediastinum' | 'presetAbdomen' | 'presetLiver' | 'presetBone';
  width: number;
  center: number;
}

export const CT_PRESETS: readonly WindowPreset[] = [
  { key: '1', label: 'presetBrain', width: 80, center: 40 },
  { key: '2', label: 'presetSubdural', width: 200, center: 75 },
  { key: '3', label: 'presetStroke', width: 40, center: 40 },
  { key: '4', label: 'presetLung', width: 1500, center: -600 },
  { key: '5', label: 'presetMediastinum', width: 350, center: 50 },
  { key: '6', label: 'presetAbdomen', width: 400, center: 50 },
  { key: '7', label: 'presetLiver', width: 150, center: 30 },
  { key: '8', label: 'presetBone', width: 1800, center: 400 },
];
