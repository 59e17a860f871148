/**
 * Knowledge distillation (Hinton, Vinyals, Dean, 2015): besides the labels,
 * the network being trained (the student) learns a larger trained network's
 * (the teacher's) class distribution per cell, softened by a temperature.
 * Only training changes: the student keeps its architecture and MACs.
 */
import * as tf from "@tensorflow/tfjs";
import { type LayerShape, layerShapes } from "./architecture.js";
import { type FloatModel, Network } from "./network.js";

/** What `train` needs to distil: the teacher's weights and the term's weight and temperature. */
export interface Distillation {
  /** The teacher's float weights (a `train` output with the same grid and classes as the student). */
  readonly teacher: FloatModel;
  /** Weight of the distillation term beside the class loss. */
  readonly weight: number;
  /** Temperature of both networks' softmax in that term. */
  readonly temperature: number;
}

/** A teacher ready to run, with the term's settings. */
export interface Teacher {
  readonly network: Network;
  readonly weight: number;
  readonly temperature: number;
}

/** Throws when the teacher's output grid or classes differ from the student's, or the term's settings are not positive. */
export function checkTeacher(distillation: Distillation, student: readonly LayerShape[]): void {
  if (!(distillation.weight > 0) || !(distillation.temperature > 0)) {
    throw new RangeError(`distillation: weight and temperature must be positive, got ${distillation.weight} and ${distillation.temperature}`);
  }
  const head = (shapes: readonly LayerShape[]): string => {
    const classes = shapes.find((s) => s.role === "classes");
    return classes ? `${classes.outSize}x${classes.outSize}x${classes.outChannels}` : "none";
  };
  const theirs = head(layerShapes(distillation.teacher.architecture));
  const ours = head(student);
  if (theirs !== ours) throw new Error(`distillation: the teacher's class grid is ${theirs}, the student's ${ours}`);
}

/** Builds the teacher network, checked against the student (see checkTeacher). */
export function teacherFor(distillation: Distillation, student: Network): Teacher {
  checkTeacher(distillation, student.shapes);
  return { network: Network.fromWeights(distillation.teacher), weight: distillation.weight, temperature: distillation.temperature };
}

/** The teacher's log-probabilities at its temperature, [n, grid, grid, classes]; constants for the student's gradients. */
export function teacherLogProbs(teacher: Teacher, input: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.logSoftmax(tf.div(teacher.network.logits(input), teacher.temperature)) as tf.Tensor4D);
}

/**
 * weight x T^2 x the cells' KL divergence from the teacher's softened
 * distribution to the student's, weighted and normalised like the class loss
 * (the same cell weights, divided by the same denominator), so that the term
 * keeps its share of the loss whatever the batch holds. T^2 keeps the
 * gradients' size independent of T.
 */
export function distillationLoss(
  studentLogits: tf.Tensor4D,
  teacher: tf.Tensor4D,
  cellWeights: tf.Tensor,
  denominator: tf.Scalar | number,
  weight: number,
  temperature: number,
): tf.Scalar {
  return tf.tidy(() => {
    const student = tf.logSoftmax(tf.div(studentLogits, temperature));
    const kl = tf.sum(tf.mul(tf.exp(teacher), tf.sub(teacher, student)), -1);
    const mean = tf.div(tf.sum(tf.mul(tf.reshape(kl, cellWeights.shape), cellWeights)), denominator);
    return tf.mul(mean, weight * temperature * temperature) as tf.Scalar;
  });
}
