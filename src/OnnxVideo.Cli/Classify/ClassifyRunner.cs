using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;
using Spectre.Console;

namespace OnnxVideo.Cli.Classify;

/// <summary>
/// Runs `onnxvideo classify`: expands and shards the inputs, locks the output file and skips paths already classified
/// in it (failed ones are tried again, see <see cref="ResultLinesFile"/>), classifies the rest in a pipelined stream and
/// writes each result as soon as it is known (so a crash or Ctrl+C keeps everything written so far). Exit codes: 0 all classified, 1 some item failed, 2 the run could not start,
/// 130 cancelled.
/// </summary>
internal static class ClassifyRunner
{
    public const int ExitOk = ExitCodes.Ok;
    public const int ExitItemsFailed = ExitCodes.Failed;
    public const int ExitFatal = ExitCodes.BadInput;
    public const int ExitCancelled = ExitCodes.Interrupted;

    public static async Task<int> RunAsync(ClassifySettings settings, CancellationToken cancellationToken)
    {
        var stderr = Console.Error;
        var expanded = VideoInputList.Collect(settings.Inputs);
        foreach (var skipped in expanded.Skipped)
        {
            await stderr.WriteLineAsync($"skipped {skipped.Path}: {skipped.Reason}");
        }
        var all = expanded.Paths;
        if (all.Count == 0)
        {
            await stderr.WriteLineAsync($"error: no video files found in {string.Join(", ", settings.Inputs)}");
            return ExitFatal;
        }
        var mine = settings.Shard.Select(all);
        ResultLinesFile? output = null;
        if (settings.OutputPath is { } path)
        {
            output = ResultLinesFile.Open(path, stderr);
        }
        using (output)
        {
            if (output is not null)
            {
                var done = output.Succeeded.ToHashSet(StringComparer.Ordinal);
                int before = mine.Count;
                mine = mine.Where(p => !done.Contains(p)).ToList();
                if (before != mine.Count)
                {
                    await stderr.WriteLineAsync($"{before - mine.Count} of {before} inputs already classified in {output.Path}; skipping them");
                }
            }
            if (mine.Count == 0)
            {
                await stderr.WriteLineAsync($"nothing to classify in shard {settings.Shard} ({all.Count} inputs in all)");
                return ExitOk;
            }
            return await ClassifyAsync(settings, mine, output, cancellationToken);
        }
    }

    private static async Task<int> ClassifyAsync(ClassifySettings settings, IReadOnlyList<string> mine, ResultLinesFile? output,
        CancellationToken cancellationToken)
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        // Every option comes from a flag, so an option the classifier refuses is the user's input.
        var classifier = FlagValues.Check(() => new VideoClassifier(ToOptions(settings)));

        await using (classifier)
        {
            var tally = new Tally();
            try
            {
                bool progressBar = output is not null && mine.Count > 1 && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
                if (progressBar)
                {
                    await AnsiConsole.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                            new RemainingTimeColumn(), new SpinnerColumn())
                        .StartAsync(async context =>
                        {
                            var task = context.AddTask($"classifying {mine.Count} videos", maxValue: mine.Count);
                            await foreach (var result in classifier.ClassifyManyAsync(mine, cancellationToken))
                            {
                                await WriteAsync(result, output, null, null, tally);
                                task.Increment(1);
                            }
                        });
                }
                else
                {
                    await foreach (var result in classifier.ClassifyManyAsync(mine, cancellationToken))
                    {
                        await WriteAsync(result, output, settings.Json ? stdout : null, settings.Json ? null : (stdout, stderr, mine.Count), tally);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                await stderr.WriteLineAsync($"cancelled after {tally.Succeeded + tally.Failed} of {mine.Count} results");
                return ExitCancelled;
            }
            catch (Exception e) when (output is not null && UserFileException.IsFileSystemError(e))
            {
                throw UserFileException.From(output.Path, "cannot write (the lines written so far are kept)", e);
            }
            await stderr.WriteLineAsync($"{tally.Succeeded} classified, {tally.Failed} failed"
                + (tally.Failed > 0 ? $" ({string.Join(", ", tally.Reasons.Select(r => $"{r.Value} {r.Key}"))})" : "")
                + $" on {classifier.ExecutionProvider}");
            return tally.Failed > 0 ? ExitItemsFailed : ExitOk;
        }
    }

    private sealed class Tally
    {
        public int Succeeded;
        public int Failed;
        public SortedDictionary<ClassificationFailure, int> Reasons { get; } = [];
    }

    private static async Task WriteAsync(ClassificationResult result, ResultLinesFile? output, TextWriter? jsonOut,
        (TextWriter Out, TextWriter Err, int Total)? human, Tally tally)
    {
        if (result.Error is { } error)
        {
            tally.Failed++;
            tally.Reasons[error.Reason] = tally.Reasons.GetValueOrDefault(error.Reason) + 1;
        }
        else
        {
            tally.Succeeded++;
        }
        var line = ClassificationJson.Line(result, output?.NextAttempt(result.Source) ?? 1);
        output?.Append(result.Source, result.Error is null, line);
        if (jsonOut is not null)
        {
            await jsonOut.WriteLineAsync(line);
            await jsonOut.FlushAsync();
        }
        if (human is { } console)
        {
            int index = tally.Succeeded + tally.Failed;
            var prefix = console.Total > 1 ? $"[{index}/{console.Total}] " : "";
            if (result.Error is { } failure)
            {
                await console.Err.WriteLineAsync($"{prefix}{TerminalText.Escape(result.Source)}: FAILED {failure.Reason}: {TerminalText.Escape(failure.Message)}");
            }
            else
            {
                var top = string.Join(", ", result.Top.Select(t => $"{TerminalText.Escape(t.Label)} {t.Score:0.000}"));
                await console.Out.WriteLineAsync($"{prefix}{TerminalText.Escape(result.Source)}: {top}");
                foreach (var warning in result.Warnings)
                {
                    await console.Err.WriteLineAsync($"{prefix}{TerminalText.Escape(result.Source)}: warning: {TerminalText.Escape(warning)}");
                }
                foreach (var segment in result.Timeline ?? [])
                {
                    await console.Out.WriteLineAsync(
                        $"    {segment.Start.TotalSeconds,8:0.00}-{segment.End.TotalSeconds,8:0.00} s  {string.Join(", ", segment.Top.Take(3).Select(t => $"{TerminalText.Escape(t.Label)} {t.Score:0.000}"))}");
                }
            }
        }
    }

    private static VideoClassifierOptions ToOptions(ClassifySettings s)
    {
        var options = new VideoClassifierOptions
        {
            ModelPath = s.ModelPath,
            Device = s.Device,
            TopK = s.TopK,
            Clips = s.Clips,
            Crops = s.Crops,
            PadShortVideos = !s.NoPad,
            LowerConvolutions = !s.KeepConv3d,
            DecodeWorkers = s.Workers ?? 0,
            Window = s.WindowSeconds is { } w ? TimeSpan.FromSeconds(w) : null,
            WindowStride = s.WindowStrideSeconds is { } ws ? TimeSpan.FromSeconds(ws) : null,
            ItemTimeout = s.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null,
        };
        if (s.Batch is { } batch)
        {
            options.MaxBatchSize = batch;
        }
        options.DeviceId = s.Gpu.DeviceId;
        options.Cuda = s.Gpu.Cuda;
        options.TensorRt = s.Gpu.TensorRt;
        options.TensorRtMinBatch = s.Gpu.TensorRtMinBatch ?? options.TensorRtMinBatch;
        options.TensorRtOptBatch = s.Gpu.TensorRtOptBatch;
        return options;
    }
}
