using System.Diagnostics;
using System.Text.Json;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Metrics;

namespace OnnxVideo.Cli.Tests;

public sealed class TrainCliTests(SyntheticMotionData data) : IClassFixture<SyntheticMotionData>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] TrainArguments(string package, string output, params string[] extra) =>
        ArgumentsFor(data.Dataset.TrainManifestPath, data.Dataset.ValidationManifestPath, package, output, ["--batch", "4", "--epochs", "3", .. extra]);

    private static string[] ArgumentsFor(string trainList, string validationList, string package, string output, params string[] extra) =>
    [
        "train", "--package", package, "--train", trainList, "--val", validationList,
        "--out", output, "--lr", "0.02", "--warmup", "2", "--augment", "none",
        "--threads", "1", "--workers", "2", "--seed", "3", .. extra,
    ];

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void TrainedModelEvaluatedByTheCliReproducesTheValidationAccuracy()
    {
        var package = ExportedLinearPackage.Write(_dir.File("pkg"), data.Contract);
        var output = _dir.File("run");
        var train = CliProcess.Run(TrainArguments(package, output, "--json"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        var summary = Json(train.Stdout);
        var bestModel = summary.GetProperty("bestModelPath").GetString()!;
        Assert.Equal(Path.Combine(output, "best", "model.onnx"), bestModel);
        var trainerTop1 = summary.GetProperty("bestValidation").GetProperty("top1").GetDouble();
        Assert.Equal(3, MetricsLog.Read(Path.Combine(output, "metrics.jsonl")).Count);
        Assert.Contains("epoch 3:", train.Stderr);

        var evaluate = CliProcess.Run("evaluate", "--model", bestModel, "--data", data.Dataset.ValidationManifestPath, "--json",
            "--report", _dir.File("eval"), "--threads", "1");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var report = Json(evaluate.Stdout);
        Assert.Equal(8, report.GetProperty("count").GetInt32());
        Assert.Equal(trainerTop1, report.GetProperty("top1").GetDouble());
        Assert.Equal(summary.GetProperty("bestValidation").GetProperty("confusion").ToString(), report.GetProperty("confusion").ToString());
        Assert.True(File.Exists(Path.Combine(_dir.File("eval"), "report.html")));

        var plain = CliProcess.Run("evaluate", "--model", bestModel, "--data", data.Dataset.Root);
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Contains("top-1", plain.Stdout);
    }

    /// <param name="regularised">Mixup and CutMix batches (soft targets) and an EMA of the weights, which checkpoints
    /// carry as optimizer state; fewer kills, as the resume machinery is the plain variant's.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task KilledAtRandomMomentsAndResumedEndsWithTheWeightsOfAnUninterruptedRun(bool regularised) =>
        KillAndResumeAsync(ExportedLinearPackage.Write(_dir.File("pkg"), data.Contract, softTargets: regularised), regularised ? 6 : 10,
            regularised ? ["--mixup", "0.4", "--cutmix", "1.0", "--ema", "0.9"] : []);

    /// <summary>
    /// Dropout, mixup/CutMix and EMA together: the resumed run draws the masks (seeded per step) and the mixes (seeded
    /// per epoch and batch) the uninterrupted one drew, and carries the average in the checkpoints.
    /// </summary>
    [Fact]
    public async Task KilledAndResumedWithDropoutMixupAndEmaOnEndsWithTheWeightsOfAnUninterruptedRun()
    {
        var package = DropoutLinearPackage.Write(_dir.File("pkg"), data.Contract);
        var manifest = OnnxVideo.Packaging.TrainingPackage.Load(package).Manifest;
        Assert.Single(manifest.Dropout);
        Assert.NotNull(manifest.Io.Targets);
        await KillAndResumeAsync(package, 6, ["--mixup", "0.4", "--cutmix", "1.0", "--ema", "0.9"]);
    }

    private async Task KillAndResumeAsync(string package, int killCount, string[] regularisation)
    {
        const int Epochs = 8;
        string[] Arguments(string output, params string[] extra) =>
            ArgumentsFor(data.SmallTrainList, data.SmallValidationList, package, output,
                ["--batch", "2", "--checkpoint-every", "1", "--epochs", $"{Epochs}", .. regularisation, .. extra]);
        var (straightDir, resumedDir) = await KilledTrainingRuns.RunAsync(Arguments, _dir, killCount);
        var checkpoints = Path.Combine(resumedDir, "checkpoints");

        var expected = new CheckpointStore(Path.Combine(straightDir, "checkpoints")).LoadNewestValid()!;
        var actual = new CheckpointStore(checkpoints).LoadNewestValid()!;
        Assert.Equal(expected.Step, actual.Step);
        using var a = expected.OpenTrainable();
        using var b = actual.OpenTrainable();
        foreach (var name in new[] { "W", "b" })
        {
            Assert.Equal(a.ReadFloats(name), b.ReadFloats(name));
        }
        using var stateA = expected.OpenOptimizerState();
        using var stateB = actual.OpenOptimizerState();
        var averaged = regularisation.Contains("--ema");
        Assert.Equal(averaged, stateA.TryGetInfo("ema/W", out _));
        if (averaged)
        {
            var names = stateA.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(names, stateB.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.Contains("ema/b", names);
            foreach (var name in names)
            {
                Assert.Equal(stateA.ReadFloats(name), stateB.ReadFloats(name));
            }
            Assert.NotEqual(a.ReadFloats("W"), stateA.ReadFloats("ema/W"));
        }
        Assert.Equal(MetricsLog.Read(Path.Combine(straightDir, "metrics.jsonl")).Select(e => (e.TrainLoss, e.ValidationTop1)),
            MetricsLog.Read(Path.Combine(resumedDir, "metrics.jsonl")).Select(e => (e.TrainLoss, e.ValidationTop1)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straightDir, "best", "model.onnx")), File.ReadAllBytes(Path.Combine(resumedDir, "best", "model.onnx")));
    }

    [Fact]
    public async Task ASecondTrainOnARunFolderInUseIsRefusedAtOnceNamingTheFirst()
    {
        var package = ExportedLinearPackage.Write(_dir.File("pkg"), data.Contract);
        var output = _dir.File("shared");
        string[] Arguments(string epochs) =>
            ArgumentsFor(data.SmallTrainList, data.SmallValidationList, package, output, ["--batch", "2", "--epochs", epochs]);
        // The first run is long enough to outlive the second's start; it is killed when the test ends.
        using var first = new TrainingProcess(Arguments("100000"));
        var lockFile = Path.Combine(output, "run.lock");
        while (!(File.Exists(lockFile) && File.ReadAllText(lockFile).Contains($"\"pid\":{first.Id},", StringComparison.Ordinal)))
        {
            if (first.HasExited)
            {
                Assert.Fail($"the first run ended (exit code {first.ExitCode}) before it held the lock: {await first.StderrAsync()}");
            }
            await Task.Delay(20);
        }

        var second = CliProcess.Run(Arguments("1"));

        Assert.False(first.HasExited);
        Assert.True(second.ExitCode == 2, second.Stderr);
        Assert.Contains($"{output} is in use by another writer (pid {first.Id}, started ", second.Stderr);
        Assert.Contains("train --package", second.Stderr);
        Assert.DoesNotContain("   at ", second.Stderr);
    }

    [Fact]
    public void ResumingARunWhoseCheckpointsAllFailExitsTwoNamingThemAndFreshStartsOver()
    {
        var package = ExportedLinearPackage.Write(_dir.File("pkg"), data.Contract);
        var output = _dir.File("damaged");
        var checkpoint = Path.Combine(output, "checkpoints", CheckpointStore.FolderName(999));
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, CheckpointManifest.FileName), "{ \"step\": 999, ");
        string[] Arguments(params string[] extra) =>
            ArgumentsFor(data.SmallTrainList, data.SmallValidationList, package, output, ["--batch", "2", "--epochs", "1", "--resume", .. extra]);

        var refused = CliProcess.Run(Arguments());

        Assert.True(refused.ExitCode == 2, refused.Stderr);
        Assert.Contains($"warning: checkpoint {checkpoint} rejected: not a checkpoint manifest", refused.Stderr);
        Assert.Contains($"{output}: holds an earlier run but no checkpoint that can be resumed ({CheckpointStore.FolderName(999)}: not a checkpoint manifest", refused.Stderr);
        Assert.DoesNotContain("   at ", refused.Stderr);
        Assert.False(File.Exists(Path.Combine(output, "metrics.jsonl")));

        var fresh = CliProcess.Run(Arguments("--fresh"));

        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.Contains("warning: starting over as asked", fresh.Stderr);
        Assert.False(Directory.Exists(checkpoint));
        Assert.Single(MetricsLog.Read(Path.Combine(output, "metrics.jsonl")));
    }

    [Fact]
    public void BadFlagsAndInputsGiveOneClearError()
    {
        var package = ExportedLinearPackage.Write(_dir.File("pkg"), data.Contract);
        var optimizer = CliProcess.Run(TrainArguments(package, _dir.File("x"), "--optimizer", "adamw"));
        Assert.Equal(2, optimizer.ExitCode);
        Assert.True(optimizer.Stderr.Contains("--optimizer adamw: the package's training graph was compiled with Sgd"), optimizer.Stderr);

        var missing = CliProcess.Run("train", "--package", package, "--train", _dir.File("nope.txt"), "--out", _dir.File("y"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.txt: no such folder or list file", missing.Stderr);

        var hardLabels = CliProcess.Run(TrainArguments(package, _dir.File("z"), "--mixup", "0.8"));
        Assert.True(hardLabels.ExitCode == 2, hardLabels.Stderr);
        Assert.Contains("train_step.onnx: the training graph takes hard labels only", hardLabels.Stderr);
        Assert.Contains("'onnxvideo-export package'", hardLabels.Stderr);
        Assert.DoesNotContain("   at ", hardLabels.Stderr);

        File.WriteAllText(_dir.File("bad.txt"), $"{data.Dataset.Clips[0].RelativePath} jumping\n");
        var unknown = CliProcess.Run("evaluate", "--model", Path.Combine(package, "eval.onnx"), "--data", _dir.File("bad.txt"));
        Assert.Equal(2, unknown.ExitCode);
    }
}
