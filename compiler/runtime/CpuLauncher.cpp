//===- CpuLauncher.cpp - run cpu kernels over their grid --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The `flagtree._cpu_launcher` module. A cpu kernel is one C-ABI function
//
//   void entry(void **args, int32_t pid_x, int32_t pid_y, int32_t pid_z,
//              int32_t grid_x, int32_t grid_y, int32_t grid_z);
//
// where args[i] points to an 8-byte slot holding the i-th runtime argument.
// `launch` packs the Python arguments into slots (holding the GIL), then
// releases the GIL and calls `entry` once per program id, spread over a
// persistent thread pool (64 MiB stacks, the calling thread's share included).
// Sees no MLIR header: built with RTTI for nanobind.
//
//===----------------------------------------------------------------------===//

#include <nanobind/nanobind.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

namespace nb = nanobind;

namespace {

using EntryFn = void (*)(void **, int32_t, int32_t, int32_t, int32_t, int32_t,
                         int32_t);

//===----------------------------------------------------------------------===//
// Argument packing
//===----------------------------------------------------------------------===//

/// Round `value` to the nearest IEEE binary float with `ExpBits` exponent and
/// `ManBits` mantissa bits (ties to even), returning its bit pattern.
/// fp16 is <5, 10>, bf16 is <8, 7>. Rounds once, straight from the double;
/// overflow gives infinity, NaN stays a quiet NaN.
template <int ExpBits, int ManBits>
uint16_t roundToNarrowFloat(double value) {
  constexpr int kBias = (1 << (ExpBits - 1)) - 1;
  constexpr uint64_t kExpMax = (1u << ExpBits) - 1;
  constexpr uint64_t kInf = kExpMax << ManBits;
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint16_t sign = uint16_t((bits >> 63) << (ExpBits + ManBits));
  const int exp = int((bits >> 52) & 0x7ff);
  const uint64_t man = bits & ((uint64_t(1) << 52) - 1);
  if (exp == 0x7ff) // infinity or NaN (quiet, keeping the top payload bits)
    return sign | uint16_t(man ? kInf | (uint64_t(1) << (ManBits - 1)) |
                                     (man >> (52 - ManBits))
                               : kInf);
  if (exp == 0) // zero or a double subnormal: far below either format's range
    return sign;
  const int e = exp - 1023 + kBias; // biased exponent in the narrow format
  const uint64_t m = man | (uint64_t(1) << 52);
  // Normal results keep ManBits bits after the implicit one; subnormal
  // results (e <= 0) shift further right by 1 - e.
  const int shift = 52 - ManBits + (e > 0 ? 0 : 1 - e);
  if (shift > 53) // below half the smallest subnormal: rounds to zero
    return sign;
  uint64_t q = m >> shift;
  const uint64_t rem = m & ((uint64_t(1) << shift) - 1);
  const uint64_t half = uint64_t(1) << (shift - 1);
  if (rem > half || (rem == half && (q & 1)))
    ++q;
  // For normals q includes the implicit bit, so (e - 1) << ManBits + q puts
  // e in the exponent field; a rounding carry moves into the exponent.
  const uint64_t result = (e > 0 ? uint64_t(e - 1) << ManBits : 0) + q;
  return sign | uint16_t(std::min(result, kInf));
}

[[noreturn]] void throwPending() { throw nb::python_error(); }

[[noreturn]] void throwArgError(PyObject *type, size_t index, const char *what,
                                PyObject *obj) {
  PyErr_Format(type, "argument %zu: expected %s, got %s", index, what,
               Py_TYPE(obj)->tp_name);
  throwPending();
}

uint64_t packPointer(size_t index, PyObject *obj) {
  if (obj == Py_None)
    return 0;
  PyObject *address;
  if (PyLong_Check(obj) && !PyBool_Check(obj)) {
    address = Py_NewRef(obj);
  } else {
    PyObject *dataPtr = PyObject_GetAttrString(obj, "data_ptr");
    if (!dataPtr) {
      PyErr_Clear();
      throwArgError(PyExc_TypeError, index,
                    "a pointer (a tensor, an int address or None)", obj);
    }
    address = PyObject_CallNoArgs(dataPtr);
    Py_DECREF(dataPtr);
    if (!address)
      throwPending();
    if (!PyLong_Check(address)) {
      Py_DECREF(address);
      throwArgError(PyExc_TypeError, index, "data_ptr() to return an int",
                    obj);
    }
  }
  const unsigned long long value = PyLong_AsUnsignedLongLong(address);
  Py_DECREF(address);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    PyErr_Format(PyExc_OverflowError,
                 "argument %zu: pointer address out of range of a uint64",
                 index);
    throwPending();
  }
  return value;
}

/// An integer of `bytes` bytes; both signed and unsigned ranges are accepted
/// (the kind does not say which), stored as two's complement.
uint64_t packInteger(size_t index, PyObject *obj, int bytes) {
  if (PyFloat_Check(obj))
    throwArgError(PyExc_TypeError, index, "an int", obj);
  PyObject *integer = PyNumber_Index(obj);
  if (!integer) {
    PyErr_Clear();
    throwArgError(PyExc_TypeError, index, "an int", obj);
  }
  int overflow = 0;
  const long long value = PyLong_AsLongLongAndOverflow(integer, &overflow);
  uint64_t bits = uint64_t(value);
  bool fits = !overflow;
  if (overflow > 0 && bytes == 8) {
    bits = PyLong_AsUnsignedLongLong(integer);
    fits = !PyErr_Occurred();
    PyErr_Clear();
  } else if (fits && bytes < 8) {
    const int bitWidth = bytes * 8;
    fits = value >= -(1ll << (bitWidth - 1)) &&
           value <= (1ll << bitWidth) - 1;
    bits &= (uint64_t(1) << bitWidth) - 1;
  }
  Py_DECREF(integer);
  if (fits)
    return bits;
  PyErr_Format(PyExc_OverflowError,
               "argument %zu: %R does not fit in %d bytes", index, obj, bytes);
  throwPending();
}

double packDouble(size_t index, PyObject *obj) {
  if (!PyNumber_Check(obj)) // anything with __float__ or __index__
    throwArgError(PyExc_TypeError, index, "a float", obj);
  const double value = PyFloat_AsDouble(obj);
  if (value == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    throwArgError(PyExc_TypeError, index, "a float", obj);
  }
  return value;
}

/// Fill `slot` with argument `index` of kind `kind` (see the module doc).
void packArgument(uint64_t &slot, size_t index, char kind, PyObject *obj) {
  switch (kind) {
  case 'p':
    slot = packPointer(index, obj);
    return;
  case 'b': {
    if (!PyBool_Check(obj) && (PyFloat_Check(obj) || !PyIndex_Check(obj)))
      throwArgError(PyExc_TypeError, index, "a bool", obj);
    const int truth = PyObject_IsTrue(obj);
    if (truth < 0)
      throwPending();
    slot = uint64_t(truth);
    return;
  }
  case 'c':
    slot = packInteger(index, obj, 1);
    return;
  case 's':
    slot = packInteger(index, obj, 2);
    return;
  case 'i':
    slot = packInteger(index, obj, 4);
    return;
  case 'l':
    slot = packInteger(index, obj, 8);
    return;
  case 'h':
    slot = roundToNarrowFloat<5, 10>(packDouble(index, obj));
    return;
  case 'H':
    slot = roundToNarrowFloat<8, 7>(packDouble(index, obj));
    return;
  case 'f': {
    const float value = float(packDouble(index, obj));
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    slot = bits;
    return;
  }
  case 'd': {
    const double value = packDouble(index, obj);
    std::memcpy(&slot, &value, sizeof value);
    return;
  }
  default:
    throw nb::value_error(("argument " + std::to_string(index) +
                           ": unknown kind '" + std::string(1, kind) +
                           "' (expected one of pbcsilhHfd)")
                              .c_str());
  }
}

//===----------------------------------------------------------------------===//
// Running the grid
//===----------------------------------------------------------------------===//

/// One launch: the program ids [0, total) in x-fastest order, handed out in
/// chunks of `chunk` through `next`.
struct Grid {
  EntryFn entry;
  void **args;
  int32_t sizeX, sizeY, sizeZ;
  int64_t total;
  int64_t chunk;
  std::atomic<int64_t> next{0};

  /// Run chunks until none is left; every participating thread calls this.
  void drain() {
    for (;;) {
      const int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= total)
        return;
      const int64_t end = std::min(begin + chunk, total);
      int32_t x = int32_t(begin % sizeX);
      int32_t y = int32_t((begin / sizeX) % sizeY);
      int32_t z = int32_t(begin / (int64_t(sizeX) * sizeY));
      for (int64_t id = begin; id < end; ++id) {
        entry(args, x, y, z, sizeX, sizeY, sizeZ);
        if (++x == sizeX) {
          x = 0;
          if (++y == sizeY) {
            y = 0;
            ++z;
          }
        }
      }
    }
  }
};

/// Programs may keep tiles on the stack: give workers more than the usual
/// 8 MiB (address space only; pages are committed when touched).
constexpr size_t kWorkerStackBytes = size_t(64) << 20;

} // namespace

// `flagtree_call_on_stack(top, fn, arg)` calls fn(arg) with the stack pointer
// at `top` (16-byte aligned) and returns on the caller's stack: no system call,
// unlike swapcontext. A frame-pointer frame with CFI, so debuggers and
// profilers unwind through it.
#if defined(__x86_64__) || defined(__aarch64__)
#define FLAGTREE_CALL_ON_STACK 1
extern "C" void flagtree_call_on_stack(void *top, void (*fn)(void *),
                                       void *arg);
#endif

#if defined(__x86_64__)
asm(R"(
    .pushsection .text
    .p2align 4
    .globl flagtree_call_on_stack
    .hidden flagtree_call_on_stack
    .type flagtree_call_on_stack, @function
flagtree_call_on_stack:
    .cfi_startproc
    pushq %rbp
    .cfi_def_cfa_offset 16
    .cfi_offset %rbp, -16
    movq %rsp, %rbp
    .cfi_def_cfa_register %rbp
    movq %rdi, %rsp
    movq %rdx, %rdi
    callq *%rsi
    movq %rbp, %rsp
    popq %rbp
    .cfi_def_cfa %rsp, 8
    retq
    .cfi_endproc
    .size flagtree_call_on_stack, .-flagtree_call_on_stack
    .popsection
)");
#elif defined(__aarch64__)
asm(R"(
    .pushsection .text
    .p2align 2
    .globl flagtree_call_on_stack
    .hidden flagtree_call_on_stack
    .type flagtree_call_on_stack, %function
flagtree_call_on_stack:
    .cfi_startproc
    stp x29, x30, [sp, #-16]!
    .cfi_def_cfa_offset 16
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov x29, sp
    .cfi_def_cfa_register x29
    mov sp, x0
    mov x0, x2
    blr x1
    mov sp, x29
    .cfi_def_cfa_register sp
    ldp x29, x30, [sp], #16
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
    .cfi_endproc
    .size flagtree_call_on_stack, .-flagtree_call_on_stack
    .popsection
)");
#endif

namespace {

/// A launching thread's share of the grid runs on a stack as large as a
/// worker's: Python's threads have RLIMIT_STACK (8 MiB by default), less than
/// a program with a few 4 MiB tiles needs. One per thread, mapped on its first
/// launch with a guard page below it (address space only, as for workers),
/// unmapped when the thread exits.
class CallerStack {
public:
  ~CallerStack() {
    if (base)
      munmap(base, kWorkerStackBytes + guard);
  }

  /// Run `grid.drain()` on this thread's large stack (on its own stack when
  /// that is as large, or when no stack can be mapped).
  static void drain(Grid &grid) {
    thread_local CallerStack stack;
    if (!stack.needed() || !stack.map()) {
      grid.drain();
      return;
    }
    char *top = stack.base + stack.guard + kWorkerStackBytes;
#ifdef FLAGTREE_CALL_ON_STACK
    flagtree_call_on_stack(
        top, [](void *work) { static_cast<Grid *>(work)->drain(); }, &grid);
#else
    ucontext_t caller, callee;
    if (getcontext(&callee) != 0) {
      grid.drain();
      return;
    }
    callee.uc_stack.ss_sp = stack.base + stack.guard;
    callee.uc_stack.ss_size = size_t(top - stack.base) - stack.guard;
    callee.uc_link = &caller;
    current = &grid;
    makecontext(&callee, [] { current->drain(); }, 0);
    if (swapcontext(&caller, &callee) != 0)
      grid.drain();
#endif
  }

private:
  /// Whether this thread's own stack is smaller than a worker's (asked once).
  bool needed() {
    if (ownBytes == 0) {
      ownBytes = 1;
      pthread_attr_t attr;
      if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        size_t own = 0;
        if (pthread_attr_getstacksize(&attr, &own) == 0 && own > 0)
          ownBytes = own;
        pthread_attr_destroy(&attr);
      }
    }
    return ownBytes < kWorkerStackBytes;
  }

  bool map() {
    if (base)
      return true;
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    void *mapped = mmap(nullptr, kWorkerStackBytes + page,
                        PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                        -1, 0);
    if (mapped == MAP_FAILED)
      return false;
    if (mprotect(mapped, page, PROT_NONE) != 0) {
      munmap(mapped, kWorkerStackBytes + page);
      return false;
    }
    base = static_cast<char *>(mapped);
    guard = page;
    return true;
  }

#ifndef FLAGTREE_CALL_ON_STACK
  static thread_local Grid *current; // the grid the context drains
#endif
  char *base = nullptr; // the mapping: guard page, then the stack
  size_t guard = 0;
  size_t ownBytes = 0; // this thread's own stack size; 0: not asked yet
};

#ifndef FLAGTREE_CALL_ON_STACK
thread_local Grid *CallerStack::current = nullptr;
#endif

/// Number of CPUs this process may run on (read once).
int defaultThreadCount() {
  static const int count = [] {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
      return CPU_COUNT(&set);
    return int(std::max(1u, std::thread::hardware_concurrency()));
  }();
  return count;
}

/// Hint to the CPU that this thread is spinning.
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Spin until `ready()` or for about `kSpinMicroseconds`; true if ready.
/// Back-to-back launches then start in well under a microsecond instead of
/// paying a futex wake-up each.
constexpr int kSpinMicroseconds = 50;

template <typename Ready> bool spinUntil(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::microseconds(kSpinMicroseconds);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready())
        return true;
      cpuRelax();
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
  }
}

/// Persistent worker threads. A launch with n threads publishes a ticket
/// (generation, n - 1 participants): workers [0, n - 1) run the grid beside
/// the calling thread, the others sleep through it. After a launch, its
/// workers spin briefly for the next one, then sleep. Launches are serialized
/// by `launchMutex`. Never destroyed (workers may be blocked in a wait at
/// interpreter exit).
class ProgramPool {
public:
  /// Run `grid` on `threads` threads (>= 2), the caller being one of them.
  void run(Grid &grid, int threads) {
    std::lock_guard<std::mutex> launchLock(launchMutex);
    const int helpers = std::min(threads - 1, kMaxWorkers);
    grow(helpers);
    current = &grid;
    pending.store(helpers, std::memory_order_relaxed);
    const uint64_t next =
        ((ticket.load(std::memory_order_relaxed) >> kGenerationShift) + 1)
        << kGenerationShift;
    ticket.store(next | uint64_t(helpers), std::memory_order_release);
    { std::lock_guard<std::mutex> lock(mutex); }
    wake.notify_all();
    CallerStack::drain(grid);
    auto finished = [&] {
      return pending.load(std::memory_order_acquire) == 0;
    };
    if (!spinUntil(finished)) {
      std::unique_lock<std::mutex> lock(mutex);
      done.wait(lock, finished);
    }
    current = nullptr;
  }

private:
  static constexpr int kGenerationShift = 16;
  static constexpr int kMaxWorkers = (1 << kGenerationShift) - 1;

  /// Start workers until there are at least `count`; called between
  /// launches, so a new worker starts from the latest (finished) ticket.
  void grow(int count) {
    while (workers < count) {
      auto *start = new WorkerStart{this, workers,
                                    ticket.load(std::memory_order_relaxed)};
      pthread_attr_t attr;
      pthread_attr_init(&attr);
      pthread_attr_setstacksize(&attr, kWorkerStackBytes);
      pthread_t thread;
      const int rc = pthread_create(
          &thread, &attr,
          [](void *raw) -> void * {
            auto *start = static_cast<WorkerStart *>(raw);
            WorkerStart copy = *start;
            delete start;
            copy.pool->work(copy.index, copy.ticket);
            return nullptr;
          },
          start);
      pthread_attr_destroy(&attr);
      if (rc != 0) {
        delete start;
        throw std::runtime_error("flagtree._cpu_launcher: cannot start a "
                                 "worker thread: " +
                                 std::string(std::strerror(rc)));
      }
      pthread_detach(thread);
      ++workers;
    }
  }

  struct WorkerStart {
    ProgramPool *pool;
    int index;
    uint64_t ticket;
  };

  /// Wait for each ticket that counts this worker and run its grid. Tickets
  /// that do not count it are skipped without spinning.
  void work(int index, uint64_t seen) {
    for (;;) {
      uint64_t now = 0;
      // Generation and participant count come from one load, so a worker
      // never joins a launch it was not counted in.
      auto counted = [&] {
        now = ticket.load(std::memory_order_acquire);
        return (now >> kGenerationShift) != (seen >> kGenerationShift) &&
               index < int(now & kMaxWorkers);
      };
      if (!spinUntil(counted)) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, counted);
      }
      seen = now;
      current->drain();
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        { std::lock_guard<std::mutex> lock(mutex); }
        done.notify_one();
      }
    }
  }

  std::mutex launchMutex; // one launch at a time; guards `workers`
  int workers = 0;        // started; they wait for the next ticket
  Grid *current = nullptr;      // the grid of the latest ticket
  std::atomic<uint64_t> ticket{0}; // generation << 16 | participants
  std::atomic<int> pending{0};     // participants still draining
  std::mutex mutex;                // for sleeping on `wake` and `done`
  std::condition_variable wake, done;
};

/// The process's pool, created on first use. A forked child does not inherit
/// the parent's threads (and may inherit a locked mutex), so it starts afresh
/// and leaks the parent's copy.
std::atomic<ProgramPool *> gPool{nullptr};

ProgramPool &pool() {
  ProgramPool *existing = gPool.load(std::memory_order_acquire);
  if (existing)
    return *existing;
  auto *created = new ProgramPool();
  if (gPool.compare_exchange_strong(existing, created,
                                    std::memory_order_acq_rel))
    return *created;
  delete created;
  return *existing;
}

int32_t checkedGridSize(int64_t size, const char *axis) {
  if (size < 0)
    throw nb::value_error(
        (std::string("grid ") + axis + " is negative: " + std::to_string(size))
            .c_str());
  if (size > std::numeric_limits<int32_t>::max())
    throw nb::value_error((std::string("grid ") + axis +
                           " does not fit in int32: " + std::to_string(size))
                              .c_str());
  return int32_t(size);
}

void launch(uintptr_t entry, std::tuple<int64_t, int64_t, int64_t> grid,
            std::string_view kinds, nb::tuple args, int numThreads) {
  if (!entry)
    throw nb::value_error("entry address is null");
  const int32_t sizeX = checkedGridSize(std::get<0>(grid), "x");
  const int32_t sizeY = checkedGridSize(std::get<1>(grid), "y");
  const int32_t sizeZ = checkedGridSize(std::get<2>(grid), "z");
  if (numThreads < 0)
    throw nb::value_error("num_threads is negative");
  const size_t count = args.size();
  if (count != kinds.size())
    throw nb::type_error(("expected " + std::to_string(kinds.size()) +
                          " arguments (kinds '" + std::string(kinds) +
                          "'), got " + std::to_string(count))
                             .c_str());

  // Slots and the pointers to them; most kernels fit the inline buffers.
  constexpr size_t kInline = 32;
  uint64_t inlineSlots[kInline];
  void *inlinePointers[kInline];
  std::vector<uint64_t> heapSlots;
  std::vector<void *> heapPointers;
  uint64_t *slots = inlineSlots;
  void **pointers = inlinePointers;
  if (count > kInline) {
    heapSlots.resize(count);
    heapPointers.resize(count);
    slots = heapSlots.data();
    pointers = heapPointers.data();
  }
  for (size_t i = 0; i < count; ++i) {
    slots[i] = 0;
    packArgument(slots[i], i, kinds[i], args[i].ptr());
    pointers[i] = &slots[i];
  }

  const int64_t total = int64_t(sizeX) * sizeY * sizeZ;
  if (total == 0)
    return;
  const int threads = int(std::min<int64_t>(
      numThreads > 0 ? numThreads : defaultThreadCount(), total));

  Grid work{reinterpret_cast<EntryFn>(entry), pointers, sizeX, sizeY, sizeZ,
            total, 1};
  nb::gil_scoped_release noGil;
  if (threads <= 1) {
    work.chunk = total;
    CallerStack::drain(work);
    return;
  }
  // About four chunks per thread: few atomics, still some load balancing.
  work.chunk = std::max<int64_t>(1, total / (int64_t(threads) * 4));
  pool().run(work, threads);
}

} // namespace

NB_MODULE(_cpu_launcher, m) {
  m.doc() = "Runs compiled cpu kernels over their grid on a thread pool.";
  pthread_atfork(nullptr, nullptr,
                 [] { gPool.store(nullptr, std::memory_order_relaxed); });

  m.def("launch", &launch, nb::arg("entry"), nb::arg("grid"), nb::arg("kinds"),
        nb::arg("args"), nb::arg("num_threads") = 0,
        "Call the kernel at address `entry` once per program id of `grid`\n"
        "(x fastest), with `args` packed by `kinds`, one character each:\n"
        "'p' pointer (tensor via data_ptr(), int address or None), 'b' i1,\n"
        "'c' i8/u8, 's' i16/u16, 'i' i32/u32, 'l' i64/u64, 'h' fp16,\n"
        "'H' bf16, 'f' fp32, 'd' fp64. Runs without the GIL on `num_threads`\n"
        "threads (0: num_threads(); 1: inline on the calling thread).");
  m.def("num_threads", &defaultThreadCount,
        "Default thread count of a launch: the CPUs this process may run on.");
}
