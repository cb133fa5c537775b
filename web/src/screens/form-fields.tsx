import type { TextareaHTMLAttributes } from 'preact';
import { RegionOptions } from '../ui.tsx';
import type { PlaceNames } from './tahap.tsx';

/**
 * The form fields the complaint and distribution forms share: a labelled select of coded values, a
 * labelled text input or text area, and the kabupaten › kecamatan › desa picker. Each field is its
 * own `<label class="field">`, so a screen reader names it and a test finds it by its label.
 */

/** A select's options from a list of codes and their labels (`COMPLAINT_CATEGORIES` and its labels). */
export const optionsOf = <V extends string>(
  values: readonly V[],
  labels: Readonly<Record<V, string>>,
): readonly (readonly [V, string])[] => values.map((value) => [value, labels[value]] as const);

export function SelectField<V extends string>(props: {
  label: string;
  name: string;
  value: V;
  options: readonly (readonly [V, string])[];
  /** The empty choice first ("Semua", "Pilih…"): its value is `''`, so `V` then includes `''`. */
  none?: string;
  disabled?: boolean;
  onChange: (value: V) => void;
}) {
  return (
    <label class="field">
      {props.label}
      <select
        name={props.name}
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.currentTarget.value as V)}
      >
        {props.none === undefined ? null : <option value="">{props.none}</option>}
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The input attributes the forms use (a fixed list: the union of every input's attributes is too wide to spread). */
interface TextInputAttributes {
  readonly name: string;
  readonly required?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: string;
  readonly max?: string;
  readonly inputMode?: 'text' | 'tel' | 'numeric';
  readonly autocomplete?: string;
  readonly spellcheck?: boolean;
  readonly pattern?: string;
}

export function TextField({
  label,
  value,
  onValue,
  ...attributes
}: TextInputAttributes & { label: string; value: string; onValue: (value: string) => void }) {
  return (
    <label class="field">
      {label}
      <input
        {...attributes}
        type="text"
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
    </label>
  );
}

type TextAreaAttributes = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onInput' | 'label'>;

export function TextAreaField({
  label,
  value,
  onValue,
  ...attributes
}: TextAreaAttributes & { label: string; value: string; onValue: (value: string) => void }) {
  return (
    <label class="field">
      {label}
      <textarea {...attributes} value={value} onInput={(event) => onValue(event.currentTarget.value)} />
    </label>
  );
}

/** A desa chosen from the top: its kabupaten/kota, kecamatan and the desa itself (codes). */
export interface PlaceChoice {
  readonly kabupaten: string;
  readonly kecamatan: string;
  readonly desa: string;
}

export const NO_PLACE: PlaceChoice = { kabupaten: '', kecamatan: '', desa: '' };

/**
 * Kabupaten/kota › kecamatan › desa/kelurahan, each narrowing the next (a choice above clears the
 * ones below). `region` fixes the kabupaten (an operator's own; a desa of the list's kabupaten): its
 * select is then not shown.
 */
export function PlaceFields(props: {
  names: PlaceNames;
  value: PlaceChoice;
  onChange: (value: PlaceChoice) => void;
  region?: string;
}) {
  const { names, value, onChange, region } = props;
  const kabupaten = region ?? value.kabupaten;
  return (
    <>
      {region === undefined ? (
        <label class="field">
          Kabupaten/kota
          <select
            name="kabupaten"
            value={value.kabupaten}
            onChange={(event) => onChange({ ...NO_PLACE, kabupaten: event.currentTarget.value })}
          >
            <RegionOptions none="Pilih…" />
          </select>
        </label>
      ) : null}
      <SelectField
        label="Kecamatan"
        name="kecamatan"
        value={value.kecamatan}
        none={names.ready ? 'Pilih…' : 'Memuat…'}
        disabled={kabupaten === '' || !names.ready}
        options={kabupaten === '' ? [] : names.within(kabupaten)}
        onChange={(kecamatan) => onChange({ kabupaten, kecamatan, desa: '' })}
      />
      <SelectField
        label="Desa/kelurahan"
        name="desa"
        value={value.desa}
        none="Pilih…"
        disabled={value.kecamatan === ''}
        options={value.kecamatan === '' ? [] : names.within(value.kecamatan)}
        onChange={(desa) => onChange({ ...value, kabupaten, desa })}
      />
    </>
  );
}
