namespace OnnxVideo.Training.Schedules;

public enum ScheduleKind
{
    Constant,
    /// <summary>Half-cosine decay from the base rate to the minimum rate over the steps after warm-up.</summary>
    Cosine,
    /// <summary>Multiply by gamma every <c>StepSize</c> steps after warm-up.</summary>
    Step,
}
