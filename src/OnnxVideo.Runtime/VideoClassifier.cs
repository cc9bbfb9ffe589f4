using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>
/// Classifies videos with an ONNX video model. Thread-safe: any number of callers may classify at once; their clips
/// are merged into shared batches by a dynamic batcher, while decoding runs in up to
/// <see cref="VideoClassifierOptions.DecodeWorkers"/> ffmpeg processes pipelined with inference.
/// A failure of one item (unreadable file, too short, deadline) is reported in that item's result; cancelling the
/// caller's token throws <see cref="OperationCanceledException"/> and stops its decoders and queued clips.
/// </summary>
public sealed class VideoClassifier : IDisposable, IAsyncDisposable
{
    private readonly VideoClassifierOptions _options;
    private readonly ILogger _logger;
    private readonly OrtClipBatchRunner _runner;
    private readonly ClipBufferPool _pool;
    private readonly ClipBatcher _batcher;
    private readonly ClipExtractor _extractor;
    private readonly SemaphoreSlim _decodeSlots;
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    public VideoClassifier(IOptions<VideoClassifierOptions> options, ILogger<VideoClassifier>? logger = null)
        : this(options.Value, logger)
    {
    }

    /// <summary>
    /// Loads the model and its contract, creates the session on the requested device and (by default) warms it up.
    /// Throws <see cref="InvalidContractException"/> when neither the model nor the options carry a contract,
    /// <see cref="VideoModelException"/> when the model does not fit its contract.
    /// </summary>
    public VideoClassifier(VideoClassifierOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        var started = Stopwatch.GetTimestamp();
        _runner = new OrtClipBatchRunner(options.ModelPath, options.Contract, options);
        try
        {
            var contract = _runner.Contract;
            Contract = contract with
            {
                TestClips = options.Clips ?? contract.TestClips,
                TestCrops = options.Crops ?? contract.TestCrops,
            };
            Contract.Validate(options.ModelPath);
            int workers = options.EffectiveDecodeWorkers;
            int clipsPerItem = Contract.TestClips * Contract.TestCrops;
            _pool = new ClipBufferPool(_runner.ClipElements, 4 * _runner.MaxBatch + workers * clipsPerItem);
            _extractor = new ClipExtractor(Contract, _pool, options);
            _decodeSlots = new SemaphoreSlim(workers, workers);
            if (options.WarmUp)
            {
                _runner.Run(_runner.MaxBatch);
            }
            _batcher = new ClipBatcher(_runner, _pool, options.MaxBatchDelay, _logger);
        }
        catch
        {
            _runner.Dispose();
            throw;
        }
        _logger.LogInformation(
            "Loaded {Model} ({Input}, {Classes} classes) on {Provider}; batch {Batch}, {Clips} clips x {Crops} crops, {Workers} decode workers, in {Elapsed:0} ms",
            options.ModelPath, _runner.InputDescription, _runner.ClassCount, _runner.ExecutionProviderDescription,
            _runner.MaxBatch, Contract.TestClips, Contract.TestCrops, options.EffectiveDecodeWorkers,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The contract in use, with <see cref="VideoClassifierOptions.Clips"/>/<see cref="VideoClassifierOptions.Crops"/> applied.</summary>
    public PreprocessingContract Contract { get; }
    public IReadOnlyList<string> Labels => Contract.Labels;
    public int ClassCount => _runner.ClassCount;
    public int MaxBatchSize => _runner.MaxBatch;
    /// <summary>The execution provider chosen, and why others were not (for cuda/tensorrt/auto).</summary>
    public string ExecutionProvider => _runner.ExecutionProviderDescription;
    /// <summary>Batches run and clips run so far (for monitoring batch fill).</summary>
    public (long Batches, long Clips) BatchStatistics => (_batcher.BatchesRun, _batcher.ClipsRun);

    /// <summary>Classifies one video file or folder of frame images.</summary>
    public Task<ClassificationResult> ClassifyAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return RunItemAsync(path, token => new ValueTask<PreparedItem>(_extractor.FromFileAsync(path, token)),
            slotHeld: false, cancellationToken);
    }

    /// <summary>Classifies frames the application already has (RGB24).</summary>
    public Task<ClassificationResult> ClassifyFramesAsync(RgbFrames frames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return RunItemAsync(frames.Name, _ => new ValueTask<PreparedItem>(_extractor.FromFrames(frames)),
            slotHeld: false, cancellationToken);
    }

    /// <summary>
    /// Classifies a sequence of files, yielding results in input order. Up to
    /// <see cref="VideoClassifierOptions.DecodeWorkers"/> files decode at once while earlier ones are in inference;
    /// the number of items in flight is bounded, so a long sequence runs in constant memory.
    /// </summary>
    public async IAsyncEnumerable<ClassificationResult> ClassifyManyAsync(IEnumerable<string> paths,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int workers = _options.EffectiveDecodeWorkers;
        var inFlight = Channel.CreateBounded<Task<ClassificationResult>>(new BoundedChannelOptions(2 * workers + 1)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var path in paths)
                {
                    await _decodeSlots.WaitAsync(run.Token).ConfigureAwait(false);
                    var item = RunItemAsync(path, token => new ValueTask<PreparedItem>(_extractor.FromFileAsync(path, token)),
                        slotHeld: true, run.Token);
                    await inFlight.Writer.WriteAsync(item, run.Token).ConfigureAwait(false);
                }
                inFlight.Writer.TryComplete();
            }
            catch (Exception e)
            {
                inFlight.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var item in inFlight.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return await item.ConfigureAwait(false);
            }
        }
        finally
        {
            run.Cancel();
            await producer.ConfigureAwait(false);
            while (inFlight.Reader.TryRead(out var abandoned))
            {
                // Results nobody will read: wait for them only so no decoder outlives the enumeration.
                await ((Task)abandoned).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<ClassificationResult> RunItemAsync(string source, Func<CancellationToken, ValueTask<PreparedItem>> prepare,
        bool slotHeld, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        CancellationTokenSource item;
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            item = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        }
        catch
        {
            if (slotHeld)
            {
                _decodeSlots.Release();
            }
            throw;
        }
        using var itemScope = item;
        if (_options.ItemTimeout is { } timeout)
        {
            item.CancelAfter(timeout);
        }
        PreparedItem? prepared = null;
        int submitted = 0;
        try
        {
            try
            {
                if (!slotHeld)
                {
                    await _decodeSlots.WaitAsync(item.Token).ConfigureAwait(false);
                    slotHeld = true;
                }
                prepared = await prepare(item.Token).ConfigureAwait(false);
            }
            finally
            {
                if (slotHeld)
                {
                    _decodeSlots.Release();
                }
            }
            var pending = new Task<ClipLogits>[prepared.Clips.Count];
            for (; submitted < pending.Length; submitted++)
            {
                pending[submitted] = await _batcher.SubmitAsync(prepared.Clips[submitted].Tensor, item.Token).ConfigureAwait(false);
            }
            var outputs = await Task.WhenAll(pending).ConfigureAwait(false);
            return ResultAggregator.Combine(prepared, outputs, Contract.Labels, _options.TopK, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception) when (_lifetime.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(VideoClassifier));
        }
        catch (OperationCanceledException) when (item.IsCancellationRequested)
        {
            return Failed(source, ClassificationFailure.DeadlineExceeded,
                $"{source}: not classified within its deadline of {_options.ItemTimeout?.TotalSeconds:0.###} s", prepared, started);
        }
        catch (VideoInputException e)
        {
            return Failed(source, VideoInputFailure.Reason(e.Reason), e.Message, prepared, started);
        }
        catch (InvalidFramesException e)
        {
            return Failed(source, ClassificationFailure.InvalidFrames, e.Message, prepared, started);
        }
        catch (InferenceFailedException e)
        {
            return Failed(source, ClassificationFailure.InferenceFailed, $"{source}: {e.Message}", prepared, started);
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            _logger.LogWarning(e, "Classifying {Source} failed", source);
            return Failed(source, ClassificationFailure.Unreadable, $"{source}: {e.Message}", prepared, started);
        }
        finally
        {
            if (prepared is not null)
            {
                for (int i = submitted; i < prepared.Clips.Count; i++)
                {
                    _pool.Return(prepared.Clips[i].Tensor);
                }
            }
        }
    }

    private ClassificationResult Failed(string source, ClassificationFailure reason, string message, PreparedItem? prepared, long started)
    {
        _logger.LogDebug("{Source}: {Reason}: {Message}", source, reason, message);
        var timings = new ClassificationTimings(prepared?.Decode ?? TimeSpan.Zero, prepared?.Preprocess ?? TimeSpan.Zero,
            TimeSpan.Zero, TimeSpan.Zero, Stopwatch.GetElapsedTime(started));
        return ClassificationResult.Failed(source, reason, message, timings);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _lifetime.Cancel();
        await _batcher.DisposeAsync().ConfigureAwait(false);
        _runner.Dispose();
        _lifetime.Dispose();
    }
}
