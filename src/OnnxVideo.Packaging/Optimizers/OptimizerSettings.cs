using System.Text.Json.Serialization;

namespace OnnxVideo.Packaging.Optimizers;

/// <summary>
/// Hyper-parameters of the in-graph optimizer. The learning rate is also a graph input (this value is the package's
/// default); the others are baked into the graph.
/// </summary>
internal sealed record OptimizerSettings
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.AdamW;
    /// <summary>Default learning rate recorded in the manifest; the graphs take the rate as the input "lr".</summary>
    public float LearningRate { get; init; } = 1e-3f;
    public float WeightDecay { get; init; } = 1e-2f;
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    /// <summary>SGD momentum; 0 means plain SGD without a momentum buffer.</summary>
    public float Momentum { get; init; } = 0.9f;
    public bool Nesterov { get; init; }
    /// <summary>Whether 1-D parameters (biases, normalisation scales and shifts) get weight decay too.</summary>
    public bool DecayOneDimensional { get; init; }

    public static OptimizerSettings DefaultFor(OptimizerKind kind) => kind switch
    {
        OptimizerKind.AdamW => new OptimizerSettings { Kind = kind, LearningRate = 1e-3f, WeightDecay = 1e-2f },
        _ => new OptimizerSettings { Kind = kind, LearningRate = 1e-2f, WeightDecay = 0f, Momentum = 0.9f },
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first hyper-parameter out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"invalid optimizer setting: {what}");
            }
        }
        Require(float.IsFinite(LearningRate) && LearningRate >= 0, $"learning rate must be finite and >= 0 (got {LearningRate})");
        Require(float.IsFinite(WeightDecay) && WeightDecay >= 0, $"weight decay must be finite and >= 0 (got {WeightDecay})");
        Require(Beta1 is >= 0 and < 1, $"beta1 must be in [0, 1) (got {Beta1})");
        Require(Beta2 is >= 0 and < 1, $"beta2 must be in [0, 1) (got {Beta2})");
        Require(Epsilon > 0 && float.IsFinite(Epsilon), $"epsilon must be > 0 (got {Epsilon})");
        Require(Momentum is >= 0 and < 1, $"momentum must be in [0, 1) (got {Momentum})");
        Require(!Nesterov || Kind == OptimizerKind.Sgd, "nesterov applies to sgd only");
        Require(!Nesterov || Momentum > 0, "nesterov needs momentum > 0");
    }

    /// <summary>Names of the per-parameter state tensors, as suffixes of the parameter name (torch's names).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> StateSuffixes => Kind switch
    {
        OptimizerKind.AdamW => [".exp_avg", ".exp_avg_sq"],
        _ => Momentum > 0 ? [".momentum_buffer"] : [],
    };

    /// <summary>Whether a parameter of this shape gets weight decay under these settings.</summary>
    public bool DecaysParameter(IReadOnlyList<long> shape) => WeightDecay > 0 && (DecayOneDimensional || shape.Count > 1);
}
