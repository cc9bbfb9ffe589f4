namespace OnnxVideo.Training.Adversarial;

/// <summary>Writes d loss / d clips for <paramref name="clips"/> (count × sample values) and their labels into <paramref name="gradient"/>.</summary>
public delegate void InputGradientFunction(float[] clips, int[] labels, float[] gradient);
