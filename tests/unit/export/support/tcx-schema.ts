// The parts of TrainingCenterDatabasev2.xsd a heart-rate activity uses, copied from the schema's xsd:sequence
// declarations (not from the exporter): each element's children in the order the schema allows, which of them
// are required and which may repeat. Strava and Garmin Connect refuse a file whose elements are out of order.
import { XMLParser } from 'fast-xml-parser';

interface Sequence {
  order: readonly string[];
  required: readonly string[];
  repeatable?: readonly string[];
}

const VALUE: Sequence = { order: ['Value'], required: ['Value'] };

const SEQUENCES: Record<string, Sequence> = {
  TrainingCenterDatabase: { order: ['Folders', 'Activities', 'Workouts', 'Courses', 'Author', 'Extensions'], required: [] },
  Activities: { order: ['Activity', 'MultiSportSession'], required: [], repeatable: ['Activity', 'MultiSportSession'] },
  Activity: { order: ['Id', 'Lap', 'Notes', 'Training', 'Creator', 'Extensions'], required: ['Id', 'Lap'], repeatable: ['Lap'] },
  Lap: {
    order: ['TotalTimeSeconds', 'DistanceMeters', 'MaximumSpeed', 'Calories', 'AverageHeartRateBpm', 'MaximumHeartRateBpm', 'Intensity', 'Cadence', 'TriggerMethod', 'Track', 'Notes', 'Extensions'],
    required: ['TotalTimeSeconds', 'DistanceMeters', 'Calories', 'Intensity', 'TriggerMethod'],
    repeatable: ['Track'],
  },
  Track: { order: ['Trackpoint'], required: ['Trackpoint'], repeatable: ['Trackpoint'] },
  Trackpoint: { order: ['Time', 'Position', 'AltitudeMeters', 'DistanceMeters', 'HeartRateBpm', 'Cadence', 'SensorState', 'Extensions'], required: ['Time'] },
  AverageHeartRateBpm: VALUE,
  MaximumHeartRateBpm: VALUE,
  HeartRateBpm: VALUE,
};

type OrderedNode = Record<string, unknown>;

/** Every place the document breaks a schema sequence, as readable paths; empty when it keeps them all. */
export function tcxOrderViolations(xml: string): string[] {
  const nodes = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(xml) as OrderedNode[];
  const violations: string[] = [];
  walk(nodes, '', violations);
  return violations;
}

function walk(nodes: OrderedNode[], path: string, violations: string[]): void {
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '?xml');
    if (name === undefined) continue;
    const children = node[name] as OrderedNode[];
    const here = `${path}/${name}`;
    const sequence = SEQUENCES[name];
    if (sequence) checkSequence(sequence, childNames(children), here, violations);
    walk(children, here, violations);
  }
}

function childNames(children: OrderedNode[]): string[] {
  return children.flatMap((child) => Object.keys(child).filter((key) => key !== ':@' && key !== '#text'));
}

function checkSequence(sequence: Sequence, names: string[], path: string, violations: string[]): void {
  let previous = -1;
  for (const name of names) {
    const index = sequence.order.indexOf(name);
    if (index === -1) violations.push(`${path}: ${name} is not allowed here`);
    else if (index < previous || (index === previous && !sequence.repeatable?.includes(name))) violations.push(`${path}: ${name} is out of order`);
    previous = Math.max(previous, index);
  }
  for (const name of sequence.required) if (!names.includes(name)) violations.push(`${path}: ${name} is missing`);
}
