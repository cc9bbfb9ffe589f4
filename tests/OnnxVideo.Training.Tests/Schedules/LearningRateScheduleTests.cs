using OnnxVideo.Training.Schedules;

namespace OnnxVideo.Training.Tests.Schedules;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void WarmupThenCosineReachesMinimumAtLastStep()
    {
        var schedule = new LearningRateSchedule { BaseRate = 0.1, Kind = ScheduleKind.Cosine, WarmupSteps = 4, TotalSteps = 14, MinRate = 0.001 };
        Assert.Equal(0.025, schedule.At(0), 12);
        Assert.Equal(0.1, schedule.At(3), 12);
        Assert.Equal(0.1, schedule.At(4), 12);
        // Step 8 is 4 of the 9 decay intervals after warm-up.
        Assert.Equal(0.001 + 0.099 * 0.5 * (1 + Math.Cos(Math.PI * 4 / 9.0)), schedule.At(8), 12);
        Assert.Equal(0.001, schedule.At(13), 12);
        Assert.Equal(0.001, schedule.At(100), 12);
    }

    [Fact]
    public void StepAndConstant()
    {
        var step = new LearningRateSchedule { BaseRate = 1, Kind = ScheduleKind.Step, StepSize = 3, Gamma = 0.5 };
        Assert.Equal([1, 1, 1, 0.5, 0.5, 0.5, 0.25], Enumerable.Range(0, 7).Select(i => step.At(i)));
        var constant = new LearningRateSchedule { BaseRate = 0.3, Kind = ScheduleKind.Constant, WarmupSteps = 2 };
        Assert.Equal([0.15, 0.3, 0.3], Enumerable.Range(0, 3).Select(i => constant.At(i)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule { BaseRate = -1 }.Validate());
    }
}
