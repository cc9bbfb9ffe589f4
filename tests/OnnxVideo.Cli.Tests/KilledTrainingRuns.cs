using System.Diagnostics;
using OnnxVideo.Training.Checkpoints;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// The kill-and-resume procedure of the training tests: an uninterrupted run is timed, then the same run with --resume
/// is started and killed at random moments (every other kill shortly after it wrote a checkpoint) and finally run to
/// the end; the caller compares what both left.
/// </summary>
internal static class KilledTrainingRuns
{
    /// <param name="arguments">The train command line for an output folder, plus extra arguments.</param>
    /// <returns>The uninterrupted and the killed-and-resumed run folders, both finished.</returns>
    public static async Task<(string Straight, string Resumed)> RunAsync(Func<string, string[], string[]> arguments, TempDirectory dir, int killCount, int seed = 20261122)
    {
        var straightDir = dir.File("straight");
        var trainingTime = await TrainingTimeAsync(arguments(straightDir, []));
        // Kill moments scale with this machine's step time, so a fast machine cannot finish the run between kills
        // and a slow one still sees kills inside steps.
        var totalSteps = new CheckpointStore(Path.Combine(straightDir, "checkpoints")).LoadNewestValid()!.Step;
        var stepTime = trainingTime / totalSteps;

        var resumedDir = dir.File("killed");
        var checkpoints = Path.Combine(resumedDir, "checkpoints");
        var rng = new Random(seed);
        var killed = 0;
        var killsAfterACheckpoint = 0;
        while (killed < killCount)
        {
            using var process = new TrainingProcess(arguments(resumedDir, ["--resume"]));
            await process.Started.WaitAsync(TimeSpan.FromMinutes(2));
            var afterCheckpoint = killed % 2 == 1;
            if (afterCheckpoint)
            {
                // Every other kill lands shortly after this process wrote a checkpoint, so resumes from checkpoints are
                // exercised; the others land anywhere in the first steps after start-up.
                var before = NewestStep(checkpoints);
                while (!process.HasExited && NewestStep(checkpoints) == before)
                {
                    await Task.Delay(2);
                }
            }
            var delay = stepTime * rng.NextDouble() * (afterCheckpoint ? 0.5 : 1.5);
            if (process.WaitForExit(delay))
            {
                Assert.True(process.ExitCode == 0, await process.StderrAsync());
                Assert.Fail($"the run finished before kill {killed + 1}; it has {totalSteps} steps of {stepTime.TotalMilliseconds:F0} ms");
            }
            process.Kill();
            killed++;
            killsAfterACheckpoint += new CheckpointStore(checkpoints).LoadNewestValid() is null ? 0 : 1;
        }
        Assert.True(killsAfterACheckpoint >= killCount / 2, $"only {killsAfterACheckpoint} of the kills came after a checkpoint was written");
        var final = CliProcess.Run(arguments(resumedDir, ["--resume"]));
        Assert.True(final.ExitCode == 0, final.Stderr);
        return (straightDir, resumedDir);
    }

    private static async Task<TimeSpan> TrainingTimeAsync(string[] arguments)
    {
        using var process = new TrainingProcess(arguments);
        await process.Started.WaitAsync(TimeSpan.FromMinutes(2));
        var clock = Stopwatch.StartNew();
        Assert.True(await process.WaitForExitAsync() == 0, await process.StderrAsync());
        return clock.Elapsed;
    }

    private static long NewestStep(string checkpoints) =>
        Directory.Exists(checkpoints) ? new CheckpointStore(checkpoints).LoadNewestValid()?.Step ?? -1 : -1;
}
