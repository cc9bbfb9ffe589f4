using System.Text.Json;

namespace OnnxVideo.Training;

/// <summary>The trainer's own progress, stored in each checkpoint so that a resumed run continues exactly.</summary>
internal sealed record TrainerState
{
    /// <summary>Epochs completed = the 0-based epoch in progress, and the next batch of it to run.</summary>
    public int Epoch { get; init; }
    public int NextBatch { get; init; }
    public double EpochLossSum { get; init; }
    public long EpochCorrect { get; init; }
    /// <summary>What <see cref="EpochCorrect"/> counts out of: clips, or non-pad target tokens for captions.</summary>
    public long EpochScored { get; init; }
    public long EpochSeen { get; init; }
    public int EpochSkipped { get; init; }
    public double EpochSeconds { get; init; }
    public int SkippedSteps { get; init; }
    public int BadStepsInRow { get; init; }
    public double BestScore { get; init; } = double.NegativeInfinity;
    public int BestEpoch { get; init; } = -1;
    public long BestStep { get; init; } = -1;
    public int EpochsWithoutImprovement { get; init; }
    public bool Finished { get; init; }
    public bool StoppedEarly { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The epoch's training accuracy so far (states saved before <see cref="EpochScored"/> scored clips).</summary>
    public double EpochAccuracy => EpochScored > 0 ? (double)EpochCorrect / EpochScored : EpochSeen > 0 ? (double)EpochCorrect / EpochSeen : 0;

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static TrainerState FromJson(string json) => JsonSerializer.Deserialize<TrainerState>(json, Options) ?? new TrainerState();
}
