namespace OnnxVideo.Training.Continual;

/// <summary>How a rehearsal memory picks the exemplars of a class.</summary>
public enum ExemplarSelection
{
    /// <summary>iCaRL's herding: greedily the clips whose running mean of normalised features stays closest to the class mean.</summary>
    Herding,
    /// <summary>A seeded random choice.</summary>
    Random,
}
