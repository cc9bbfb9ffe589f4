namespace OnnxVideo.Training.FewShot;

/// <summary>How a clip's features are compared with the class prototypes.</summary>
public enum FewShotMetric
{
    /// <summary>logits = scale · cos(f, p̂), prototypes the mean of the L2-normalised support features.</summary>
    Cosine,
    /// <summary>logits = −‖f − p‖², prototypes the mean of the support features (Snell et al.'s prototypical networks).</summary>
    Euclidean,
}
