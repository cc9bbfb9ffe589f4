namespace OnnxVideo.Training.Schedules;

/// <summary>
/// Learning rate per optimizer step (0-based): a linear warm-up from base/warmup to the base rate over
/// <see cref="WarmupSteps"/>, then constant, cosine or step decay. A pure function of the step, so resuming is exact.
/// </summary>
public sealed record LearningRateSchedule
{
    public required double BaseRate { get; init; }
    public ScheduleKind Kind { get; init; } = ScheduleKind.Cosine;
    public long WarmupSteps { get; init; }
    /// <summary>All optimizer steps of the run (cosine reaches <see cref="MinRate"/> at the last one).</summary>
    public long TotalSteps { get; init; } = 1;
    public double MinRate { get; init; }
    public long StepSize { get; init; } = 1;
    public double Gamma { get; init; } = 0.1;

    public void Validate()
    {
        if (!(BaseRate > 0) || !double.IsFinite(BaseRate))
        {
            throw new ArgumentOutOfRangeException(nameof(BaseRate), BaseRate, "learning rate must be positive");
        }
        if (WarmupSteps < 0 || TotalSteps < 1 || StepSize < 1 || MinRate < 0 || !(Gamma > 0))
        {
            throw new ArgumentException($"invalid schedule {this}");
        }
    }

    public double At(long step)
    {
        if (step < WarmupSteps)
        {
            return BaseRate * (step + 1) / WarmupSteps;
        }
        var after = step - WarmupSteps;
        return Kind switch
        {
            ScheduleKind.Constant => BaseRate,
            ScheduleKind.Step => BaseRate * Math.Pow(Gamma, after / StepSize),
            ScheduleKind.Cosine => Cosine(after),
            _ => throw new InvalidOperationException($"unknown schedule {Kind}"),
        };
    }

    private double Cosine(long after)
    {
        var span = Math.Max(1, TotalSteps - WarmupSteps - 1);
        var progress = Math.Min(1.0, (double)after / span);
        return MinRate + (BaseRate - MinRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
